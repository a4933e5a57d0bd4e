"""Coarse role rules at the gateway: wrong role → 403, anonymous → 401, whatever the ids."""

from __future__ import annotations

import pytest

from services.gateway.domain.routes import ANYONE, ROUTES

pytestmark = pytest.mark.security
ROLES = ("admin", "commissioner", "bidder", "evaluator", "moderator", "auditor")


def concrete(pattern: str) -> str:
    return ("/api/v1" + pattern).replace("{id}", "tnd_doesnotexist") \
        .replace("{bid}", "bid_doesnotexist").replace("{qid}", "q_doesnotexist") \
        .replace("{seq}", "0").replace("{doc}", "doc_doesnotexist").replace("{lot}", "north")


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.pattern}")
def test_roles_outside_the_rule_are_refused_before_forwarding(actors, gw, route):
    path = concrete(route.pattern)
    for role in ROLES:
        if ANYONE in route.roles or role in route.roles:
            continue
        resp = gw.request(route.method, path, headers=actors[role].headers, json={})
        assert resp.status_code == 403, (role, route.method, path, resp.status_code)
    anon = gw.request(route.method, path, json={})
    if ANYONE in route.roles:
        assert anon.status_code not in (401, 403), (route.method, path, anon.status_code)
    else:
        assert anon.status_code == 401, (route.method, path, anon.status_code)


def test_route_table_covers_every_api_md_route():
    listed = {(r.method, r.pattern) for r in ROUTES}
    api_md = {
        ("POST", "/tenders"), ("GET", "/tenders"), ("GET", "/tenders/{id}"),
        ("PATCH", "/tenders/{id}"), ("POST", "/tenders/{id}/publish"),
        ("POST", "/tenders/{id}/amendments"), ("POST", "/tenders/{id}/cancel"),
        ("GET", "/tenders/{id}/questions"), ("POST", "/tenders/{id}/questions"),
        ("POST", "/tenders/{id}/questions/{qid}/answer"), ("POST", "/tenders/{id}/bids"),
        ("GET", "/bids/{id}"), ("PUT", "/bids/{id}"), ("POST", "/bids/{id}/withdraw"),
        ("GET", "/tenders/{id}/bids"), ("PUT", "/tenders/{id}/panel"),
        ("POST", "/tenders/{id}/conflicts"), ("GET", "/tenders/{id}/evaluation"),
        ("POST", "/tenders/{id}/bids/{bid}/scores"),
        ("POST", "/tenders/{id}/bids/{bid}/moderation"),
        ("POST", "/tenders/{id}/scoring-runs"), ("GET", "/scoring-runs/{id}"),
        ("POST", "/scoring-runs/{id}/replay"), ("POST", "/tenders/{id}/award"),
        ("GET", "/bids/{id}/assessment-summary"), ("GET", "/audit/events"),
        ("GET", "/audit/tree-head"), ("GET", "/audit/public-key"),
        ("GET", "/audit/events/{seq}/proof"), ("GET", "/audit/consistency"),
        ("GET", "/audit/export"), ("GET", "/tenders/{id}/ocds"),
    }
    assert api_md <= listed, api_md - listed
