"""Sealed bids: the access matrix before and after the deadline, and encryption at rest."""

from __future__ import annotations

import base64
import os

import pytest
from sqlalchemy import text

from services.commissioning.context import context_from_app
from services.commissioning.service_layer.closing import record_scoring_result
from tests.support.builders import bid_body

NOT_OWNERS = ("commissioner", "colleague", "other_commissioner", "bidder2", "evaluator",
              "panel_evaluator", "moderator", "auditor", "admin")


def _set_panel(world, tender_id, *, declared=("panel_evaluator", "moderator"), blocked=None,
               event="panel"):
    """PanelSet as scoring sends it: members, who has declared, bids each conflict blocks."""
    members = [world.actors[w].user_id for w in ("panel_evaluator", "moderator")]
    payload = {"schema_version": 1, "event_id": f"{event}-{tender_id}", "event_type": "PanelSet",
               "tender_id": tender_id,
               "data": {"evaluators": members[:1], "moderator": members[1],
                        "declared": [world.actors[w].user_id for w in declared],
                        "blocked": {world.actors[w].user_id: ids
                                    for w, ids in (blocked or {}).items()}}}
    record_scoring_result(context_from_app(world.app), payload, world.clock())


def _problem(resp):
    body = resp.get_json()
    return resp.status_code, body["title"], body["detail"]


def test_before_the_deadline_only_the_bidders_organisation_reads_its_bid(world):
    t = world.published()
    bid = world.bid(t["id"]).get_json()
    _set_panel(world, t["id"])
    for who in ("bidder", "bidder_colleague"):
        assert world.get(f"/bids/{bid['id']}", who=who).status_code == 200
    absent = _problem(world.get("/bids/bid_00000000000000000000000000000000", who="auditor"))
    empty = world.published()  # a tender with no bids at all
    empty_list = _problem(world.get(f"/tenders/{empty['id']}/bids", who="auditor"))
    for who in NOT_OWNERS:
        resp = world.get(f"/bids/{bid['id']}", who=who)
        assert resp.status_code == 404
        status, title, detail = _problem(resp)
        assert (status, title) == absent[:2] and detail == absent[2].replace(
            "bid_00000000000000000000000000000000", bid["id"])
        if who == "bidder2":
            continue  # bidders list only their own organisation's bids (below)
        # Listing is refused identically whether the tender has one bid or none: no count.
        assert _problem(world.get(f"/tenders/{t['id']}/bids", who=who)) == empty_list
    # The tender document carries no hint of how many bids exist.
    doc = world.get(f"/tenders/{t['id']}", who="commissioner").get_json()
    assert doc == world.get(f"/tenders/{empty['id']}", who="commissioner").get_json() | {
        k: doc[k] for k in ("id", "created_at", "updated_at", "published_at")}
    # A bidder sees only its own organisation's bids in the list.
    assert world.get(f"/tenders/{t['id']}/bids", who="bidder2").status_code == 200
    assert world.get(f"/tenders/{t['id']}/bids", who="bidder2").get_json()["items"] == []


def test_after_the_deadline_owner_panel_auditor_admin_read_and_evaluators_never_see_price(world):
    t = world.published()
    bid = world.bid(t["id"]).get_json()
    withdrawn = world.bid(t["id"], who="bidder2").get_json()
    world.post(f"/bids/{withdrawn['id']}/withdraw", who="bidder2")
    _set_panel(world, t["id"])
    world.pass_deadline(t)
    expected = {"commissioner": "full", "colleague": "full", "auditor": "full", "admin": "full",
                "panel_evaluator": "no_price", "moderator": "no_price",
                "bidder": "full", "bidder_colleague": "full",
                "evaluator": None, "other_commissioner": None, "bidder2": None}
    for who, access in expected.items():
        resp = world.get(f"/bids/{bid['id']}", who=who)
        if access is None:
            assert resp.status_code == 404, who
            continue
        assert resp.status_code == 200, who
        doc = resp.get_json()
        assert ("price" in doc) == (access == "full"), who
        assert doc["responses"] == bid_body()["responses"]
    for who in ("commissioner", "auditor", "admin", "panel_evaluator", "moderator"):
        items = world.get(f"/tenders/{t['id']}/bids", who=who).get_json()["items"]
        assert [b["id"] for b in items] == [bid["id"]], who  # withdrawn bids are not listed
        assert all(("price" in b) == (who not in ("panel_evaluator", "moderator"))
                   for b in items)
    for who in ("evaluator", "other_commissioner"):
        assert world.get(f"/tenders/{t['id']}/bids", who=who).status_code == 404
    # Withdrawn bids stay visible to their own organisation only.
    assert world.get(f"/bids/{withdrawn['id']}", who="bidder2").status_code == 200
    assert world.get(f"/bids/{withdrawn['id']}", who="auditor").status_code == 404


def test_panel_members_never_read_a_bid_their_declared_conflict_blocks(world):
    t = world.published()
    mine = world.bid(t["id"]).get_json()
    other = world.bid(t["id"], who="bidder2").get_json()
    world.pass_deadline(t)
    _set_panel(world, t["id"], declared=(), event="panel-1")  # nobody has declared yet
    for who in ("panel_evaluator", "moderator"):  # docs/api.md: the panel reads after the deadline
        assert world.get(f"/bids/{mine['id']}", who=who).status_code == 200, who
        assert len(world.get(f"/tenders/{t['id']}/bids", who=who).get_json()["items"]) == 2
    _set_panel(world, t["id"], blocked={"panel_evaluator": [other["id"]]}, event="panel-2")
    assert world.get(f"/bids/{mine['id']}", who="panel_evaluator").status_code == 200
    assert world.get(f"/bids/{other['id']}", who="panel_evaluator").status_code == 404
    listed = world.get(f"/tenders/{t['id']}/bids", who="panel_evaluator").get_json()["items"]
    assert [b["id"] for b in listed] == [mine["id"]]
    assert world.get(f"/bids/{other['id']}", who="moderator").status_code == 200


def test_database_holds_no_plaintext_price_or_narrative(world, database_urls):
    t = world.published()
    narrative = "UNIQUE-NARRATIVE-" + os.urandom(8).hex()
    body = bid_body(price={"amount": "398123.45", "currency": "GBP"})
    body["responses"][0]["narrative"] = narrative
    assert world.bid(t["id"], body=body).status_code == 201
    engine = world.app.extensions["coprocure"].engine
    dump = []
    with engine.connect() as conn:
        for table in ("tenders", "bids", "idempotency_keys", "outbox", "questions"):
            for row in conn.execute(text(f"SELECT * FROM {table}")):  # noqa: S608
                for value in row:
                    if isinstance(value, memoryview):
                        value = bytes(value)
                    dump.append(value if isinstance(value, bytes) else str(value).encode())
    blob = b"\n".join(dump)
    for secret in (narrative, "398123.45", "398123", "UCLA 3-item", "governance_seats"):
        assert secret.encode() not in blob
        assert base64.b64encode(secret.encode()) not in blob
    assert b"GBP" not in b"\n".join(d for d in dump if b"398" in d)


def test_wrong_master_key_cannot_open_bids(make_app):
    from .conftest import Clock, World, cast

    clock = Clock()
    key_a = base64.b64encode(os.urandom(32)).decode()
    app = make_app("commissioning", CLOCK=clock, MASTER_KEY=key_a)
    w = World(app=app, client=app.test_client(), clock=clock, actors=cast())
    t = w.published()
    bid = w.bid(t["id"]).get_json()
    assert w.get(f"/bids/{bid['id']}", who="bidder").status_code == 200
    from cryptography.exceptions import InvalidTag

    from services.commissioning.adapters.crypto import master_key_bytes, unwrap_data_key
    from services.commissioning.adapters.tables import Tender

    with app.extensions["coprocure"].session_factory() as session:
        row = session.get(Tender, t["id"])
        with pytest.raises(InvalidTag):
            unwrap_data_key(master_key_bytes(base64.b64encode(os.urandom(32)).decode()),
                            row.wrapped_data_key, t["id"])
        with pytest.raises(InvalidTag):  # keys are bound to their tender
            unwrap_data_key(master_key_bytes(key_a), row.wrapped_data_key, "tnd_other")


def test_bids_of_a_tender_cancelled_before_opening_stay_sealed(world):
    t = world.published()
    bid = world.bid(t["id"]).get_json()
    world.post(f"/tenders/{t['id']}/cancel", {"reason": "Budget withdrawn"})
    world.pass_deadline(t)
    for who in ("commissioner", "auditor", "admin"):
        assert world.get(f"/bids/{bid['id']}", who=who).status_code == 404
        assert world.get(f"/tenders/{t['id']}/bids", who=who).status_code == 404
    assert world.get(f"/bids/{bid['id']}", who="bidder").status_code == 200


def test_values_the_database_cannot_store_are_422_not_500(make_app):
    from tests.conftest import auth_headers, identity

    client = make_app("commissioning").test_client()
    auditor = auth_headers(identity("auditor"))
    # A NUL character cannot be stored or compared by PostgreSQL; SQLite simply finds nothing.
    resp = client.get("/api/v1/tenders/tnd_\x00x", headers=auditor)
    assert resp.status_code in (404, 422) and resp.mimetype == "application/problem+json"
