"""Portal sessions (issue 14, item 5): sign-out revokes the API token behind the cookie, the
session lasts 8 hours, and sign-in hands out a fresh CSRF token."""

from __future__ import annotations

import base64
import json
import re
import time
import zlib
from email.utils import parsedate_to_datetime

import httpx
import pytest

from tests.security.conftest import PASSWORD, make_bidder

pytestmark = pytest.mark.security
COOKIE = "coprocure_portal"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _token_in(cookie: str) -> str:
    """The API token inside Flask's signed (not encrypted) session cookie."""
    payload = cookie.split(".")[1] if cookie.startswith(".") else cookie.split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    if cookie.startswith("."):
        raw = zlib.decompress(raw)
    return json.loads(raw)["token"]


def _sign_in(platform, email: str) -> tuple[httpx.Client, httpx.Response, str]:
    client = httpx.Client(base_url=platform.url(), timeout=30)
    before = _csrf(client.get("/portal/sign-in").text)
    resp = client.post("/portal/sign-in", data={"email": email, "password": PASSWORD,
                                                "csrf_token": before})
    assert resp.status_code in (302, 303), resp.text[:500]
    return client, resp, before


def test_sign_out_revokes_the_token_a_copied_cookie_carries(platform, gw):
    bidder = make_bidder(gw)
    client, _, _ = _sign_in(platform, bidder.user["email"])
    try:
        stolen = client.cookies[COOKIE]
        token = _token_in(stolen)
        assert gw.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}) \
            .status_code == 200
        home = client.get("/portal/")
        out = client.post("/portal/sign-out", data={"csrf_token": _csrf(home.text)})
        assert out.status_code in (302, 303)
    finally:
        client.close()
    assert gw.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    with httpx.Client(base_url=platform.url(), timeout=30, cookies={COOKIE: stolen}) as thief:
        page = thief.get("/portal/tenders")
        assert bidder.user["email"] not in page.text


def test_portal_session_lasts_eight_hours_and_csrf_is_fresh(platform, gw):
    bidder = make_bidder(gw)
    client, resp, before = _sign_in(platform, bidder.user["email"])
    try:
        cookie = next(h for h in resp.headers.get_list("set-cookie") if h.startswith(COOKIE))
        expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie).group(1))
        lifetime = expires.timestamp() - time.time()
        assert 7.9 * 3600 < lifetime <= 8 * 3600 + 60, lifetime
        after = _csrf(client.get("/portal/").text)
        assert after != before
    finally:
        client.close()


@pytest.mark.parametrize("target", ["/portal/\r\nSet-Cookie: planted=1", "/portal/\nX: y",
                                    "/portal/\x00", "//evil.example/portal"])
def test_next_with_control_characters_is_ignored_not_a_500(platform, gw, target):
    bidder = make_bidder(gw)
    with httpx.Client(base_url=platform.url(), timeout=30) as client:
        csrf = _csrf(client.get("/portal/sign-in").text)
        resp = client.post("/portal/sign-in", data={"email": bidder.user["email"],
                                                    "password": PASSWORD, "csrf_token": csrf,
                                                    "next": target})
        assert resp.status_code in (302, 303), (resp.status_code, resp.text[:300])
        assert resp.headers["location"].rstrip("/").endswith("/portal")
        assert "planted" not in resp.headers.get("set-cookie", "")
