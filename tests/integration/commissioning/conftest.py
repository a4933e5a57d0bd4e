"""Fixtures for the commissioning service: an app with a controlled clock and actors (the
example bodies come from tests/support/builders.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.commissioning.context import context_from_app
from services.commissioning.service_layer.closing import close_due, record_scoring_result
from shared.identity import DIRECTORY_HEADER, DirectoryUser, sign_directory
from shared.time import rfc3339
from tests.conftest import TEST_ASSERTION_KEY, auth_headers, identity
from tests.support.builders import bid_body, outcome_commitment, responses, tender_body

BASE = datetime(2030, 3, 1, 9, 0, 0, tzinfo=UTC)


class Clock:
    """A controllable server clock (aware UTC, microseconds)."""

    def __init__(self, now: datetime = BASE):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


rfc = rfc3339  # the servers' RFC 3339 form (microseconds kept)


@dataclass
class World:
    """The app, its clock and a cast of actors, with small request helpers."""

    app: Any
    client: Any
    clock: Clock
    actors: dict[str, Any] = field(default_factory=dict)

    def h(self, who) -> dict[str, str]:
        return auth_headers(self.actors[who] if isinstance(who, str) else who)

    def get(self, path: str, who="commissioner", **kw):
        return self.client.get("/api/v1" + path, headers=self.h(who), **kw)

    def post(self, path: str, body=None, who="commissioner", headers=None):
        hdrs = {**self.h(who), **(headers or {})}
        return self.client.post("/api/v1" + path, json=body, headers=hdrs)

    def patch(self, path: str, body, who="commissioner"):
        return self.client.patch("/api/v1" + path, json=body, headers=self.h(who))

    def put(self, path: str, body, who="bidder"):
        return self.client.put("/api/v1" + path, json=body, headers=self.h(who))

    def upload(self, path: str, data: bytes, who="bidder", **query):
        """POST a file as the raw body (documents), the name and options in the query."""
        hdrs = {**self.h(who), "Content-Type": "application/octet-stream"}
        return self.client.post("/api/v1" + path, data=data, headers=hdrs, query_string=query)

    def draft(self, **overrides) -> dict:
        resp = self.post("/tenders", tender_body(self.clock(), **overrides))
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    def published(self, **overrides) -> dict:
        tender = self.draft(**overrides)
        resp = self.post(f"/tenders/{tender['id']}/publish")
        assert resp.status_code == 200, resp.get_json()
        return resp.get_json()

    def bid(self, tender_id: str, who="bidder", body=None, headers=None):
        return self.post(f"/tenders/{tender_id}/bids", body or bid_body(), who=who,
                         headers=headers)

    def pass_deadline(self, tender: dict) -> None:
        deadline = datetime.fromisoformat(tender["submission_deadline"].replace("Z", "+00:00"))
        self.clock.now = deadline + timedelta(seconds=1)


def cast() -> dict[str, Any]:
    council = "org_council_a"
    return {
        "commissioner": identity("commissioner", organisation_id=council),
        "colleague": identity("commissioner", organisation_id=council),
        "other_commissioner": identity("commissioner", organisation_id="org_council_b"),
        "bidder": identity("bidder", organisation_id="org_enterprise_1"),
        "bidder_colleague": identity("bidder", organisation_id="org_enterprise_1"),
        "bidder2": identity("bidder", organisation_id="org_enterprise_2"),
        "evaluator": identity("evaluator", organisation_id=council),
        "panel_evaluator": identity("evaluator", organisation_id=council),
        "moderator": identity("moderator", organisation_id=council),
        "auditor": identity("auditor", organisation_id="org_audit"),
        "admin": identity("admin", organisation_id="org_platform"),
    }


@pytest.fixture
def world(make_app) -> World:
    clock = Clock()
    app = make_app("commissioning", CLOCK=clock)
    return World(app=app, client=app.test_client(), clock=clock, actors=cast())


# --- a tender run to its contract (shared by the contract tests) ---

SV_COMMITMENT = outcome_commitment(
    statement="Local people employed", declared_level="output",
    indicator={"name": "People from the borough employed", "unit": "count", "instrument": None},
    baseline={"value": 0, "date": "2030-01-01", "source": "payroll"},
    target={"value": 12, "by": "2031-03-01"}, sustainment_period_months=0,
    validation_method="ex_post_verification", assessed_by=["commissioner"],
    reporting_frequency="six-monthly")


def _winning_bid() -> dict:
    body = bid_body()
    body["responses"] = responses()
    sv = next(r for r in body["responses"] if r["criterion_key"] == "SV")
    sv["outcome_commitments"] = [SV_COMMITMENT]
    return body


def _event(world, tender_id, event_type, data):
    payload = {"schema_version": 1, "event_id": f"{event_type}-{tender_id}",
               "event_type": event_type, "tender_id": tender_id, "data": data}
    return record_scoring_result(context_from_app(world.app), payload, world.clock())


def concluded(world, **overrides) -> tuple[dict, dict]:
    """A tender (the example, with ``overrides``) run to its end: the example bid (Q1 outcome
    + an SV commitment) awarded and the contract made."""
    t = world.published(**overrides)
    bid = world.bid(t["id"], body=_winning_bid()).get_json()
    world.pass_deadline(t)
    ctx = context_from_app(world.app)
    close_due(ctx, world.clock())
    _event(world, t["id"], "TenderAssessed", {})
    _event(world, t["id"], "ScoringRunCompleted", {"run_id": "run_1", "output_sha256": "a" * 64})
    _event(world, t["id"], "BidAwarded", {
        "bid_id": bid["id"], "run_id": "run_1", "awarded_at": rfc(world.clock()),
        "standstill_ends_at": rfc(world.clock() + timedelta(days=10))})
    world.clock.advance(days=10)
    assert close_due(ctx, world.clock())["concluded"] == 1
    return t, bid


@pytest.fixture
def contract(world) -> dict:
    t, _ = concluded(world)
    resp = world.get(f"/tenders/{t['id']}/contract", who=identity())
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def _report(world, contract, who="bidder", **changes):
    body = {"metric_id": "M1", "period": 1, "value": 6.2, "unit": "scale",
            "cohort": {"people_engaged": 40, "people_with_outcome": 22},
            "method": "UCLA-3 at intake and at 3 months, administered by peer researchers",
            "evidence": [{"description": "Survey summary", "url": "https://example.org/s.pdf"}]}
    body.update(changes)
    return world.post(f"/contracts/{contract['id']}/reports", body, who=who)


def _invite(world, contract, user, kind):
    directory = sign_directory(TEST_ASSERTION_KEY, [DirectoryUser(
        user_id=user.user_id, roles=user.roles, lived_experience=user.lived_experience,
        organisation_id=user.organisation_id)])
    return world.post(f"/contracts/{contract['id']}/assessors",
                      {"user_id": user.user_id, "kind": kind},
                      headers={DIRECTORY_HEADER: directory})
