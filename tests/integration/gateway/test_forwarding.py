"""What the gateway forwards, byte for byte, to a recording upstream; and 502/504."""

from __future__ import annotations

import socket
import threading

import jwt
import pytest

from shared.identity import DIRECTORY_HEADER, HEADER, verify_assertion, verify_directory
from tests.conftest import TEST_ASSERTION_KEY
from tests.integration.gateway.recorder import Recorder


@pytest.fixture
def upstreams():
    c, s = Recorder(), Recorder()
    yield {"commissioning": c, "scoring": s}
    c.close()
    s.close()


@pytest.fixture
def gw(make_app, upstreams, clock):
    app = make_app("gateway", CLOCK=clock, UPSTREAM_READ_TIMEOUT=1.0,
                   UPSTREAMS={k: v.url for k, v in upstreams.items()})
    return app


def test_anonymous_get_is_forwarded_with_a_fresh_anonymous_assertion(gw, upstreams):
    client = gw.test_client()
    resp = client.get("/api/v1/tenders?status=published&q=loneliness",
                      headers={"X-Request-ID": "rid-123", "Cookie": "a=b",
                               HEADER: "forged", "Authorization-Extra": "x"})
    assert resp.status_code == 200 and resp.json == {"ok": True}
    assert resp.headers["X-Request-ID"] == "rid-123"
    (seen,) = upstreams["commissioning"].requests
    assert seen["method"] == "GET"
    assert seen["path"] == "/api/v1/tenders?status=published&q=loneliness"
    assert seen["headers"]["X-Request-ID"] == "rid-123"
    assert "Cookie" not in seen["headers"] and "Authorization-Extra" not in seen["headers"]
    identity = verify_assertion(TEST_ASSERTION_KEY, seen["headers"][HEADER])
    assert identity.anonymous and identity.request_id == "rid-123"
    assert upstreams["scoring"].requests == []


def test_signed_in_request_carries_identity_not_the_token(gw, upstreams, make_user, login):
    client = gw.test_client()
    user = make_user("commissioner", org="Borough Council", lived_experience=True)
    headers = login(user)
    body = b'{"title": "T"}'
    resp = client.post("/api/v1/tenders", data=body, headers={
        **headers, "Content-Type": "application/json", "Idempotency-Key": "k1"})
    assert resp.status_code == 200
    (seen,) = upstreams["commissioning"].requests
    assert seen["body"] == body
    assert seen["headers"]["Idempotency-Key"] == "k1"
    assert "Authorization" not in seen["headers"]
    identity = verify_assertion(TEST_ASSERTION_KEY, seen["headers"][HEADER])
    assert identity.user_id == user["id"] and identity.roles == ("commissioner",)
    assert identity.organisation_id == user["organisation"]["id"]
    assert identity.organisation_name == "Borough Council" and identity.lived_experience


@pytest.mark.parametrize(("method", "path", "service"), [
    ("PUT", "/tenders/t1/panel", "scoring"),
    ("GET", "/tenders/t1/evaluation", "scoring"),
    ("POST", "/tenders/t1/bids/b1/scores", "scoring"),
    ("POST", "/tenders/t1/scoring-runs", "scoring"),
    ("GET", "/scoring-runs/r1", "scoring"),
    ("GET", "/audit/tree-head", "scoring"),
    ("GET", "/tenders/t1/ocds", "scoring"),
    ("GET", "/bids/b1/assessment-summary", "scoring"),
    ("POST", "/tenders/t1/award", "scoring"),
    ("POST", "/tenders/t1/bids", "commissioning"),
    ("GET", "/bids/b1", "commissioning"),
    ("POST", "/tenders/t1/publish", "commissioning"),
])
def test_route_table_picks_the_owner(gw, upstreams, make_user, login, method, path, service):
    headers = login(make_user("commissioner", "bidder", "evaluator", "moderator", "auditor"))
    resp = gw.test_client().open("/api/v1" + path, method=method, headers=headers, json={})
    assert resp.status_code == 200, resp.json
    assert [r["path"] for r in upstreams[service].requests] == ["/api/v1" + path]
    other = "scoring" if service == "commissioning" else "commissioning"
    assert upstreams[other].requests == []


def test_panel_request_carries_a_directory_of_named_users(gw, upstreams, make_user, login):
    commissioner = login(make_user("commissioner"))
    e1 = make_user("evaluator", lived_experience=True)
    e2 = make_user("evaluator")
    mod = make_user("moderator")
    body = {"evaluators": [e1["id"], e2["id"], "usr_unknown"], "moderator": mod["id"]}
    resp = gw.test_client().put("/api/v1/tenders/t1/panel", json=body, headers=commissioner)
    assert resp.status_code == 200
    (seen,) = upstreams["scoring"].requests
    directory = verify_directory(TEST_ASSERTION_KEY, seen["headers"][DIRECTORY_HEADER])
    assert set(directory) == {e1["id"], e2["id"], mod["id"]}
    assert directory[e1["id"]].lived_experience and directory[e1["id"]].roles == ("evaluator",)
    assert directory[mod["id"]].roles == ("moderator",)


def test_page_size_is_forwarded_as_given(gw, upstreams):
    """The service refuses a limit past its schema's maximum (422 naming ``limit``); the gateway
    no longer clamps it to something the caller did not ask for."""
    client = gw.test_client()
    client.get("/api/v1/tenders?limit=1000000&status=published")
    client.get("/api/v1/tenders?limit=50")
    paths = [r["path"] for r in upstreams["commissioning"].requests]
    assert paths == ["/api/v1/tenders?limit=1000000&status=published",
                     "/api/v1/tenders?limit=50"]


def test_upstream_status_headers_and_problem_body_pass_through(gw, upstreams, make_user, login):
    upstreams["commissioning"].respond(
        409, b'{"type":"x","title":"Conflict","status":409}',
        **{"Content-Type": "application/problem+json", "Location": "http://10.0.0.5:8001/api/v1/x",
           "Retry-After": "3", "Set-Cookie": "evil=1", "Server": "internal"})
    resp = gw.test_client().post("/api/v1/tenders", json={},
                                 headers=login(make_user("commissioner")))
    assert resp.status_code == 409
    assert resp.mimetype == "application/problem+json"
    assert resp.json["title"] == "Conflict"
    assert resp.headers["Location"] == "/api/v1/x"  # internal host never leaks
    assert resp.headers["Retry-After"] == "3"
    assert "Set-Cookie" not in resp.headers


def test_redirects_are_passed_back_never_followed(gw, upstreams):
    upstreams["commissioning"].respond(302, b"", Location="http://169.254.169.254/latest")
    resp = gw.test_client().get("/api/v1/tenders")
    assert resp.status_code == 302
    assert len(upstreams["commissioning"].requests) == 1


def test_large_bodies_are_streamed_through(gw, upstreams, make_user, login):
    big = b'{"x": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    upstreams["scoring"].respond(200, big, **{"Content-Type": "application/x-ndjson"})
    resp = gw.test_client().get("/api/v1/audit/export?format=jsonl",
                                headers=login(make_user("auditor")))
    assert resp.status_code == 200 and resp.data == big


def test_body_over_the_limit_is_413_and_not_forwarded(gw, upstreams, make_user, login):
    resp = gw.test_client().post("/api/v1/tenders", data=b"x" * (10 * 1024 * 1024),
                                 headers={**login(make_user("commissioner")),
                                          "Content-Type": "application/json"})
    assert resp.status_code == 413 and resp.mimetype == "application/problem+json"
    assert upstreams["commissioning"].requests == []


def test_down_upstream_is_502(make_app):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = make_app("gateway", UPSTREAMS={"commissioning": f"http://127.0.0.1:{port}",
                                         "scoring": f"http://127.0.0.1:{port}"})
    resp = app.test_client().get("/api/v1/tenders")
    assert resp.status_code == 502 and resp.mimetype == "application/problem+json"
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 503
    assert ready.json["checks"]["commissioning"].startswith("error")


def test_slow_upstream_is_504(make_app):
    # An upstream that accepts the connection and never answers.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.getsockname()[1]}"
    try:
        app = make_app("gateway", UPSTREAM_READ_TIMEOUT=0.5,
                       UPSTREAMS={"commissioning": url, "scoring": url})
        resp = app.test_client().get("/api/v1/tenders")
        assert resp.status_code == 504 and resp.mimetype == "application/problem+json"
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()


@pytest.mark.parametrize("path", [
    "/api/v1/nothing-here", "/api/v1/admin/failed-jobs", "/api/v1/internal",
    "/api/v1/tendersX", "/api/v1/",
])
def test_unknown_paths_are_404_and_not_forwarded(gw, upstreams, path):
    resp = gw.test_client().get(path)
    assert resp.status_code == 404
    assert all(not u.requests for u in upstreams.values())


@pytest.mark.parametrize("raw", [
    "/api/v1/tenders/..%2f..%2fadmin", "/api/v1/tenders/%2e%2e/admin",
    "/api/v1/tenders/x%2fy", "/api/v1/tenders/../me", "/api/v1/tenders/./x",
    "/api/v1/tenders//x", "/api/v1/tenders/%5c..%5cx", "/api/v1/tenders/x%00",
    "/api/v1/tenders/%252e%252e", "/api/v1/tenders?q=a%00b", "/api/v1/tenders?cursor=%00",
])
def test_path_tricks_are_refused_and_not_forwarded(gw, upstreams, raw):
    client = gw.test_client()
    resp = client.get(raw, environ_overrides={"RAW_URI": raw, "REQUEST_URI": raw})
    assert resp.status_code in (400, 404), raw
    assert resp.mimetype == "application/problem+json"
    assert all(not u.requests for u in upstreams.values()), raw


def test_spoofed_host_and_absolute_urls_are_refused(gw, upstreams):
    client = gw.test_client()
    assert client.get("/api/v1/tenders", headers={"Host": "evil.example"}).status_code == 400
    absolute = "http://169.254.169.254/api/v1/tenders"
    resp = client.get("/api/v1/tenders", environ_overrides={"RAW_URI": absolute})
    assert resp.status_code == 400
    assert all(not u.requests for u in upstreams.values())


def test_client_supplied_assertions_never_reach_services(gw, upstreams):
    forged = jwt.encode({"sub": "usr_admin", "roles": ["admin"], "iss": "coprocure-gateway",
                         "iat": 0, "exp": 2**31}, "guess-" * 8, algorithm="HS256")
    gw.test_client().get("/api/v1/tenders", headers={HEADER: forged, DIRECTORY_HEADER: forged})
    (seen,) = upstreams["commissioning"].requests
    assert seen["headers"][HEADER] != forged
    assert DIRECTORY_HEADER not in seen["headers"]
    assert verify_assertion(TEST_ASSERTION_KEY, seen["headers"][HEADER]).anonymous


def test_over_long_uri_is_a_414_problem_and_not_forwarded(gw, upstreams):
    raw = "/api/v1/tenders?" + "&".join(f"limit={i}" for i in range(2000))
    resp = gw.test_client().get(raw, environ_overrides={"RAW_URI": raw})
    assert resp.status_code == 414 and resp.mimetype == "application/problem+json"
    assert all(not u.requests for u in upstreams.values())


def test_operations_answer_under_the_api_prefix_too(client):
    """docs/api.md, "Base path": everything is under /api/v1; operations also at the root."""
    for path in ("/healthz", "/openapi.json", "/docs"):
        root, prefixed = client.get(path), client.get("/api/v1" + path)
        assert root.status_code == prefixed.status_code == 200, path
        assert root.mimetype == prefixed.mimetype, path
    assert client.get("/api/v1/healthz").json["status"] == "ok"
    assert client.get("/api/v1/openapi.json").json["openapi"].startswith("3.1")
    ready = client.get("/api/v1/readyz")
    assert ready.status_code in (200, 503) and "checks" in ready.json


def test_every_forwarded_route_has_a_handler_in_its_service(make_app):
    """The route table names no path its upstream does not serve (no 404/405 by design)."""
    import re

    from werkzeug.exceptions import HTTPException

    from services.gateway.domain.routes import ROUTES

    adapters = {name: make_app(name).url_map.bind("localhost")
                for name in {r.upstream for r in ROUTES}}
    missing = []
    for route in ROUTES:
        path = "/api/v1" + re.sub(r"\{[a-z_]+\}", "1", route.pattern)  # ids or seq numbers
        try:
            adapters[route.upstream].match(path, method=route.method)
        except HTTPException:
            missing.append(f"{route.method} {route.pattern} → {route.upstream}")
    assert missing == []
