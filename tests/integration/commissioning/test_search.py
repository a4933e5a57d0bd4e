"""The tender search's words (`GET /tenders?q=`): a case-insensitive substring of the title or
the description, the same on both databases, each through its index (adapters/search.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from services.commissioning.adapters import search
from services.commissioning.adapters.search import text_matches
from services.commissioning.adapters.tables import Tender
from services.commissioning.context import context_from_app
from tests.support.sql import sqlite_plan


@pytest.fixture(params=["index", "walk"])
def route(request, monkeypatch) -> str:
    """Both ways SQLite may answer (words in few tenders: the index; in many: the walk) give
    the same answers; on PostgreSQL both runs take its one way."""
    if request.param == "walk":
        monkeypatch.setattr(search, "SELECTIVE", 0)
    return request.param


def found(world, words: str, who: str = "bidder") -> list[str]:
    resp = world.get("/tenders", who=who, query_string={"q": words})
    assert resp.status_code == 200, resp.get_json()
    return [t["title"] for t in resp.get_json()["items"]]


def test_words_match_as_a_case_insensitive_substring_of_title_or_description(world, route):
    world.published(title="Befriending for LONELY older people", description="Plain.")
    world.published(title="Housing support", description="Tenancy sustainment, loneliness.")
    world.published(title="Café and community kitchen", description="Plain.")
    assert sorted(found(world, "lonel")) == ["Befriending for LONELY older people",
                                            "Housing support"]
    assert found(world, "ENDING FOR") == ["Befriending for LONELY older people"]
    assert found(world, "café") == ["Café and community kitchen"]
    assert found(world, "ho") == ["Housing support"]  # two letters: no trigram, still found
    assert found(world, "kitchens") == []


def test_quotes_wildcards_and_operators_are_plain_text(world, route):
    world.published(title='Ages 16_25: "Youth" 100% AND more', description="Plain.")
    world.published(title="Ages 16-25 youth", description="Plain.")
    for words in ('16_25', '"Youth"', "100%", "% AND", 'h" 100'):
        assert found(world, words) == ['Ages 16_25: "Youth" 100% AND more'], words
    for words in ("NOT youth*", "a OR b", "(x", "\\"):
        assert found(world, words) == [], words


def test_a_changed_title_is_found_by_its_new_words_only(world, route):
    draft = world.draft(title="Falls prevention", description="Plain.")
    assert found(world, "falls", who="commissioner") == ["Falls prevention"]
    resp = world.patch(f"/tenders/{draft['id']}", {"title": "Strength and balance"})
    assert resp.status_code == 200, resp.get_json()
    assert found(world, "falls", who="commissioner") == []
    assert found(world, "balance", who="commissioner") == ["Strength and balance"]


def test_the_search_uses_its_index(world, route):
    world.published(title="Social prescribing", description="Plain.")
    session_factory = context_from_app(world.app).session_factory
    with session_factory() as session:
        dialect = session.get_bind().dialect.name
        stmt = select(Tender.id).where(text_matches(session, "prescrib"))
        sql = str(stmt.compile(session.get_bind()))
        if dialect == "sqlite" and route == "walk":  # the newest first, by created_at
            assert "tenders_search" not in sql and "LIKE" in sql.upper()
        elif dialect == "sqlite":
            plan = sqlite_plan(session, sql, ('"prescrib"',))
            assert "VIRTUAL TABLE INDEX" in plan, plan
            # The index agrees with the table (FTS5 raises if it does not).
            session.execute(text(
                "INSERT INTO tenders_search(tenders_search) VALUES ('integrity-check')"))
        else:  # pg_trgm's GIN indexes serve ILIKE (migration 0010)
            assert "ILIKE" in sql
        assert len(session.execute(stmt).all()) == 1
