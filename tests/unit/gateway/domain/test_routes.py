"""The gateway's route table and request-line checks, as pure functions (no app, no network).

The table is the gateway's coarse authorisation (docs/architecture.md, "Runtime processes");
every case here is one a real client can send.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask

from services.gateway.domain.routes import (
    ANYONE,
    COMMISSIONING,
    ROUTES,
    SCORING,
    SIGNED_IN,
    Route,
    owner_of,
    resolve,
    unsafe_path_reason,
)
from services.gateway.entrypoints.proxy import install_proxy
from shared.identity import ROLES

WRITES = ("POST", "PUT", "PATCH", "DELETE")


def concrete(pattern: str) -> str:
    """A real path for a pattern: every ``{x}`` becomes a plausible id."""
    return re.sub(r"\{[a-z_]+\}", "abc_123", pattern)


# --- the table itself -------------------------------------------------------------------------

def test_every_route_is_unique_and_names_known_roles():
    keys = [(r.method, r.pattern) for r in ROUTES]
    assert len(keys) == len(set(keys))
    for route in ROUTES:
        assert route.roles, route
        assert set(route.roles) <= {*ROLES, ANYONE, SIGNED_IN}, route
        assert route.upstream in (COMMISSIONING, SCORING)


def test_the_proxy_mounts_every_method_the_table_uses():
    app = Flask(__name__)
    install_proxy(app)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "proxy")
    assert {r.method for r in ROUTES} | {"OPTIONS"} <= rule.methods
    assert not rule.provide_automatic_options  # OPTIONS answers the path's own Allow list


def test_anonymous_callers_can_only_read():
    open_routes = [r for r in ROUTES if ANYONE in r.roles]
    assert open_routes
    assert all(r.method == "GET" for r in open_routes)


def test_each_table_route_resolves_to_itself_and_to_the_service_that_owns_it():
    for route in ROUTES:
        path = concrete(route.pattern)
        assert resolve(route.method, path) is route, route
        assert owner_of(path) == route.upstream, route


# --- lookup -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "path", "pattern", "upstream"), [
    ("GET", "/tenders", "/tenders", COMMISSIONING),
    ("POST", "/tenders", "/tenders", COMMISSIONING),
    ("GET", "/tenders/tnd_1", "/tenders/{id}", COMMISSIONING),
    ("POST", "/tenders/tnd_1/questions/q_1/answer", "/tenders/{id}/questions/{qid}/answer",
     COMMISSIONING),
    ("GET", "/tenders/tnd_1/bids", "/tenders/{id}/bids", COMMISSIONING),
    ("POST", "/tenders/tnd_1/bids/bid_1/scores", "/tenders/{id}/bids/{bid}/scores", SCORING),
    ("GET", "/bids/bid_1/assessment-summary", "/bids/{id}/assessment-summary", SCORING),
    ("GET", "/bids/bid_1", "/bids/{id}", COMMISSIONING),
    ("GET", "/tenders/tnd_1/ocds", "/tenders/{id}/ocds", SCORING),
    ("GET", "/audit/events/42/proof", "/audit/events/{seq}/proof", SCORING),
])
def test_lookup_picks_the_specific_row(method, path, pattern, upstream):
    route = resolve(method, path)
    assert route is not None
    assert (route.method, route.pattern, route.upstream) == (method, pattern, upstream)


def test_head_follows_get():
    assert resolve("HEAD", "/tenders") is resolve("GET", "/tenders")
    assert resolve("HEAD", "/audit/export").roles == ("auditor",)


@pytest.mark.parametrize("path", [
    "/", "", "/users", "/me", "/auth/token", "/admin/queues", "/tendersx", "/auditing",
    "/bidsx/1", "/scoring-runsx", "/api/v1/tenders", "/v2/tenders/t1", "/TENDERS", "tenders",
])
def test_paths_no_service_owns_are_never_forwarded(path):
    assert owner_of(path) is None
    assert resolve("GET", path) is None
    assert resolve("POST", path) is None


@pytest.mark.parametrize(("method", "path", "upstream"), [
    ("DELETE", "/tenders/tnd_1", COMMISSIONING),  # no such row: wrong method
    ("PUT", "/tenders", COMMISSIONING),
    ("GET", "/tenders/tnd_1/publish", COMMISSIONING),  # the row is POST only
    ("DELETE", "/tenders/tnd_1/award", SCORING),
    ("GET", "/tenders/tnd_1/panel", SCORING),  # the row is PUT only
    ("GET", "/tenders/tnd_1/panel/history", SCORING),  # newer endpoint under a scoring prefix
    ("GET", "/audit", SCORING),
    ("GET", "/scoring-runs", SCORING),
    ("GET", "/tenders/", COMMISSIONING),  # trailing slash
    ("POST", "/tenders/tnd_1/publish/", COMMISSIONING),
    ("GET", "/audit/tree-head/", SCORING),
])
def test_anything_else_under_an_owned_prefix_is_for_signed_in_callers_only(method, path,
                                                                           upstream):
    route = resolve(method, path)
    assert route is not None and route not in ROUTES
    assert route.roles == (SIGNED_IN,)
    assert route.upstream == upstream and route.method == method
    assert not route.allows((), signed_in=False)
    assert route.allows((), signed_in=True)


def test_a_trailing_slash_never_inherits_an_open_row():
    for route in ROUTES:
        slashed = resolve(route.method, concrete(route.pattern) + "/")
        assert slashed is not None and slashed not in ROUTES, route
        assert not slashed.allows((), signed_in=False), route


@pytest.mark.parametrize("segment", [
    "a%2Fb", "a%20b", "a b", "a/b", "a:b", "a@b", "a\x00b", "ä", "x" * 129, "",
])
def test_an_odd_id_segment_never_matches_a_table_row(segment):
    route = resolve("GET", f"/tenders/{segment}")
    assert route is not None  # still under /tenders: forwarded to commissioning, signed in
    assert route not in ROUTES
    assert route.roles == (SIGNED_IN,)


def test_an_id_may_use_the_unreserved_characters_up_to_128():
    assert resolve("GET", "/tenders/" + "A-z_0.9~" * 16).pattern == "/tenders/{id}"


def test_a_pattern_does_not_match_a_longer_path():
    route = resolve("POST", "/tenders/tnd_1/cancel/now")
    assert route is not None and route.pattern != "/tenders/{id}/cancel"
    assert route.roles == (SIGNED_IN,)


# --- roles per route ---------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "path", "roles"), [
    ("POST", "/tenders", {"commissioner"}),
    ("PATCH", "/tenders/t", {"commissioner"}),
    ("POST", "/tenders/t/questions", {"bidder"}),
    ("POST", "/tenders/t/bids", {"bidder"}),
    ("PUT", "/bids/b", {"bidder"}),
    ("GET", "/bids/b", {"bidder", "commissioner", "evaluator", "moderator", "auditor"}),
    ("PUT", "/tenders/t/panel", {"commissioner"}),
    ("POST", "/tenders/t/conflicts", {"evaluator", "moderator"}),
    ("POST", "/tenders/t/bids/b/scores", {"evaluator"}),
    ("POST", "/tenders/t/bids/b/moderation", {"moderator"}),
    ("POST", "/tenders/t/award", {"commissioner"}),
    ("POST", "/scoring-runs/r/replay", {"auditor"}),
    ("GET", "/scoring-runs/r", {"commissioner", "auditor"}),
    ("GET", "/bids/b/assessment-summary", {"bidder", "commissioner", "auditor"}),
    ("GET", "/audit/events", {"auditor"}),
    ("GET", "/audit/export", {"auditor"}),
])
def test_only_the_named_roles_may_call(method, path, roles):
    route = resolve(method, path)
    for role in ROLES:
        assert route.allows((role,), signed_in=True) is (role in roles), role
        assert not route.allows((role,), signed_in=False), role  # roles without a sign-in
    assert not route.allows((), signed_in=True)
    assert route.allows(("nobody", *sorted(roles)[:1]), signed_in=True)


@pytest.mark.parametrize("path", [
    "/tenders", "/tenders/t", "/tenders/t/questions", "/tenders/t/ocds", "/audit/tree-head",
    "/audit/tree-heads", "/audit/public-key", "/audit/consistency",
])
def test_public_reads_are_open_to_anonymous_callers(path):
    route = resolve("GET", path)
    assert ANYONE in route.roles
    assert route.allows((), signed_in=False)


def test_admin_is_not_a_super_role_on_the_forwarded_api():
    assert not resolve("POST", "/tenders").allows(("admin",), signed_in=True)
    assert not resolve("GET", "/audit/events").allows(("admin",), signed_in=True)


def test_only_the_panel_and_assessor_invitations_ask_the_gateway_to_vouch_for_users():
    assert [(r.method, r.pattern) for r in ROUTES if r.directory] == [
        ("PUT", "/tenders/{id}/panel"), ("POST", "/contracts/{id}/assessors")]
    assert not resolve("PUT", "/tenders/t/panel/").directory


def test_a_signed_in_row_takes_any_role_but_never_an_anonymous_caller():
    row = Route("GET", "/tenders/x/new", COMMISSIONING, (SIGNED_IN,))
    assert row.allows(("bidder",), signed_in=True)
    assert row.allows((), signed_in=True)
    assert not row.allows(("admin",), signed_in=False)


# --- request-line sanity ----------------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    "/api/v1/tenders",
    "/api/v1/tenders/tnd_1?limit=5&cursor=abc",
    "/api/v1/tenders/",  # a trailing slash is the route table's business, not a trick
    "/api/v1/tenders/v1.2",
    "/api/v1/...",  # three dots are a name, not a traversal
    "/api/v1/caf%C3%A9",
    "/api/v1/tenders%20x",
    "/api/v1/tenders?q=%2e%2e%2f..",  # encoded dots and slashes are fine in a query
    "/api/v1/tenders?",
    "/portal/tenders",
    "/",
])
def test_ordinary_request_lines_pass(raw):
    from urllib.parse import unquote

    path = unquote(raw.split("?", 1)[0])
    assert unsafe_path_reason(raw, path) is None


@pytest.mark.parametrize(("raw", "path", "reason"), [
    ("http://evil.example/api/v1/tenders", "/api/v1/tenders", "absolute"),
    ("//evil.example/api/v1/tenders", "//evil.example/api/v1/tenders", "absolute"),
    ("*", "*", "absolute"),
    ("api/v1/tenders", "api/v1/tenders", "absolute"),
    ("/api/v1/%2e%2e/admin", "/api/v1/../admin", "encoded"),
    ("/api/v1/%2E%2e/admin", "/api/v1/../admin", "encoded"),
    ("/api/v1/tenders%2Fx", "/api/v1/tenders/x", "encoded"),
    ("/api/v1/tenders%2fx", "/api/v1/tenders/x", "encoded"),
    ("/api/v1/tenders%5Cx", "/api/v1/tenders\\x", "encoded"),
    ("/api/v1/tenders%00", "/api/v1/tenders\x00", "encoded"),
    ("/api/v1/%252e%252e/admin", "/api/v1/%2e%2e/admin", "encoded"),  # double encoding
    ("/api/v1/../admin", "/admin", "traversal"),
    ("/api/v1/tenders/..", "/api/v1/tenders/..", "traversal"),
    ("/api/v1/./tenders", "/api/v1/tenders", "traversal"),
    ("/api/v1//tenders", "/api/v1//tenders", "malformed"),
    ("/api/v1/ten\\ders", "/api/v1/ten\\ders", "malformed"),
    ("/api/v1/tenders%09", "/api/v1/tenders\t", "malformed"),
    ("/api/v1/tenders%7F", "/api/v1/tenders\x7f", "malformed"),
    ("/api/v1/tenders%0d%0aX-Injected:1", "/api/v1/tenders\r\nX-Injected:1", "malformed"),
    ("/api/v1/tenders?q=%00", "/api/v1/tenders", "NUL"),
    ("/api/v1/tenders?q=a\x00b", "/api/v1/tenders", "NUL"),
    ("/api/v1/tenders?a=1&b=%00&c=3", "/api/v1/tenders", "NUL"),
])
def test_tricks_in_the_request_line_are_refused(raw, path, reason):
    why = unsafe_path_reason(raw, path)
    assert why is not None
    assert reason.lower() in why.lower()
