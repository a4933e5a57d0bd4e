"""Fixtures for the commissioning service: an app with a controlled clock, bodies, actors."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import auth_headers, identity

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


def rfc(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def tender_body(now: datetime, **overrides: Any) -> dict[str, Any]:
    """A complete, publishable tender body (API.md), deadlines relative to ``now``."""
    body = {
        "title": "Community wellbeing and loneliness service",
        "description": "Reduce loneliness among isolated older people, co-produced.",
        "service_area": "adult_social_care",
        "estimated_value": {"amount": "450000.00", "currency": "GBP"},
        "clarification_deadline": rfc(now + timedelta(days=10)),
        "submission_deadline": rfc(now + timedelta(days=20)),
        "evaluation": {"mode": "panel", "min_evaluators": 3, "require_lived_experience": True,
                       "min_quality_share": 0.6, "standstill_working_days": 8},
        "price": {"weight": 30, "formula": "absolute_benchmark",
                  "ceiling": {"amount": "450000.00", "currency": "GBP"},
                  "floor": {"amount": "250000.00", "currency": "GBP"}},
    }
    body.update(overrides)
    return body


BID_BODY: dict[str, Any] = {
    "price": {"amount": "398000.00", "currency": "GBP"},
    "responses": [
        {"criterion_key": "Q1", "narrative": "We will reduce loneliness with peer circles.",
         "outcome_commitments": [
             {"statement": "Isolated older people feel less lonely",
              "declared_level": "outcome",
              "indicator": {"name": "UCLA 3-item loneliness score", "unit": "scale",
                            "instrument": "UCLA-3"},
              "baseline": {"value": 7.1, "date": "2026-09-01", "source": "intake survey"},
              "target": {"value": 5.5, "by": "2028-03-31"},
              "sustainment_period_months": 9,
              "validation_method": "pre_post",
              "assessed_by": ["people_using_service", "independent"],
              "co_defined_with_users": True,
              "reporting_frequency": "quarterly"}]},
    ],
    "coproduction": {
        "stages": {"commissioning": "co-design", "design": "co-production",
                   "delivery": "co-production", "assessment": "engagement"},
        "power_sharing": ["governance_seats", "paid_lived_experience_roles"],
        "principles": ["assets", "capabilities", "reciprocity", "peer_support",
                       "blurring_roles", "facilitating"],
        "reciprocity_offers": ["training", "expenses", "first_refusal_on_jobs"],
    },
}


def bid_body(**overrides: Any) -> dict[str, Any]:
    body = copy.deepcopy(BID_BODY)
    body.update(overrides)
    return body


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
