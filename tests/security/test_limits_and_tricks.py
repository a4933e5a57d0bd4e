"""Body size, page size, login floods, and path/SSRF tricks that must never be forwarded."""

from __future__ import annotations

import http.client
import uuid

import pytest

from shared.waiting import wait_until
from tests.security.conftest import PASSWORD, log_text, make_bidder

pytestmark = pytest.mark.security


def raw_request(platform, method: str, target: str, headers: dict[str, str],
                body: bytes | None = None) -> tuple[int, bytes]:
    """Send a request line exactly as written (no client-side normalisation)."""
    conn = http.client.HTTPConnection("127.0.0.1", platform.ports["gateway"], timeout=30)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for key, value in headers.items():
            conn.putheader(key, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        if body is not None:
            try:
                conn.send(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the gateway answered early (413) and closed; read what it said
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def forwarded(platform, rid: str) -> bool:
    return any(rid in log_text(platform, s) for s in ("commissioning", "scoring"))


def test_control_a_legitimate_request_is_seen_upstream(platform):
    rid = f"control-{uuid.uuid4().hex}"
    status, _ = raw_request(platform, "GET", "/api/v1/tenders",
                            {"Host": "127.0.0.1", "X-Request-ID": rid})
    assert status < 500
    assert wait_until(lambda: forwarded(platform, rid), timeout=10, interval=0.2,
                      what=f"request {rid} in a service log")


TRICKS = [
    ("GET", "/api/v1/tenders/..%2f..%2fadmin%2ffailed-jobs", {}),
    ("GET", "/api/v1/tenders/%2e%2e/%2e%2e/admin/failed-jobs", {}),
    ("GET", "/api/v1/tenders/../admin/failed-jobs", {}),
    ("GET", "/api/v1/bids/x%2F..%2F..%2Fadmin", {}),
    ("GET", "/api/v1/tenders/%252e%252e%252fadmin", {}),
    ("GET", "/api/v1/tenders/x%5c..%5cadmin", {}),
    ("GET", "/api/v1//tenders", {}),
    ("GET", "http://169.254.169.254/api/v1/tenders", {}),
    ("GET", "http://127.0.0.1:1/api/v1/tenders", {}),
    ("GET", "//evil.example/api/v1/tenders", {}),
    ("GET", "/api/v1/tenders", {"Host": "evil.example"}),
    ("GET", "/api/v1/tenders", {"Host": "169.254.169.254"}),
    ("GET", "/api/v1/admin/failed-jobs", {}),
    ("GET", "/api/v1/internal/anything", {}),
]


@pytest.mark.parametrize(("method", "target", "extra"), TRICKS,
                         ids=[t[1] + str(t[2]) for t in TRICKS])
def test_path_and_ssrf_tricks_are_refused_and_never_forwarded(platform, method, target, extra):
    rid = f"trick-{uuid.uuid4().hex}"
    headers = {"Host": "127.0.0.1", "X-Request-ID": rid, **extra}
    status, _ = raw_request(platform, method, target, headers)
    assert status in (400, 404), (target, extra, status)
    # The control above proves forwarded requests show up in the service logs promptly.
    test_control_a_legitimate_request_is_seen_upstream(platform)
    assert not forwarded(platform, rid), (target, extra)


def test_ten_megabyte_body_is_413_and_never_forwarded(platform, actors):
    rid = f"big-{uuid.uuid4().hex}"
    status, body = raw_request(platform, "POST", "/api/v1/tenders", {
        "Host": "127.0.0.1", "X-Request-ID": rid, "Content-Type": "application/json",
        **actors["commissioner"].headers}, b"{" + b" " * (10 * 1024 * 1024) + b"}")
    assert status == 413, body[:200]
    test_control_a_legitimate_request_is_seen_upstream(platform)
    assert not forwarded(platform, rid)


def test_huge_page_size_is_refused_naming_limit(gw):
    resp = gw.get("/api/v1/tenders", params={"limit": "1000000"})
    assert resp.status_code == 422 and "limit" in resp.json()["errors"], resp.text


def test_login_flood_is_429(gw):
    victim = make_bidder(gw)
    codes = [gw.post("/api/v1/auth/token", json={"email": victim.user["email"],
                                                   "password": f"guess-{i:08d}-x"}).status_code
             for i in range(15)]
    assert 429 in codes, codes
    assert set(codes) <= {401, 429}
    blocked = gw.post("/api/v1/auth/token",
                      json={"email": victim.user["email"], "password": PASSWORD})
    assert blocked.status_code == 429  # even the right password, until the window passes
    assert int(blocked.headers["retry-after"]) > 0
    assert blocked.headers["content-type"].startswith("application/problem+json")
