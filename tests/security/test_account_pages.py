"""The portal's account and user pages (issue 14): a user changes their password (other sessions
end, this one carries on), an admin deactivates, reactivates and signs users out everywhere, and
creates staff users; nobody else may."""

from __future__ import annotations

import uuid
from contextlib import closing

import httpx
import pytest

from tests.security.conftest import PASSWORD, Actor, login, make_bidder, make_staff
from tests.support.journeys import portal_session

pytestmark = pytest.mark.security
NEW = "a different long passphrase for the portal"


def _me(gw, token: str) -> int:
    return gw.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code


def _signs_in(gw, email: str, password: str) -> bool:
    resp = gw.post("/api/v1/auth/token", json={"email": email, "password": password})
    return resp.status_code == 200


def _first_listed(gw, admin: Actor, staff_org: dict, role: str = "evaluator") -> Actor:
    """A staff user whose e-mail sorts first, so the Users page's first page shows it."""
    email = f"0{role}-{uuid.uuid4().hex[:10]}@example.org"
    resp = gw.post("/api/v1/users", headers=admin.headers, json={
        "email": email, "password": PASSWORD, "roles": [role],
        "organisation_id": staff_org["id"]})
    assert resp.status_code == 201, resp.text
    return Actor(role, resp.json(), login(gw, email))


def test_every_signed_in_user_reaches_their_account_from_the_header(platform, gw):
    bidder = make_bidder(gw)
    client, _ = portal_session(platform, bidder.user["email"], PASSWORD)
    with closing(client):
        home = client.get("/portal/")
        assert 'href="/portal/account"' in home.text
        assert 'href="/portal/users"' not in home.text  # admins only
        page = client.get("/portal/account")
        assert page.status_code == 200, page.text[:500]
        assert bidder.user["email"] in page.text and "Bidder" in page.text
        assert bidder.user["organisation"]["name"] in page.text


def test_password_change_ends_other_sessions_and_keeps_this_one(platform, gw):
    bidder = make_bidder(gw)
    client, csrf = portal_session(platform, bidder.user["email"], PASSWORD)
    with closing(client):
        form = client.get("/portal/account").text
        resp = client.post("/portal/account", data={
            "csrf_token": csrf(form), "current_password": PASSWORD, "new_password": NEW,
            "new_password_confirm": NEW})
        assert resp.status_code in (302, 303), resp.text[:500]
        page = client.get(resp.headers["location"])
        assert page.status_code == 200 and "Your password is changed" in page.text
        assert "signed out everywhere else (1 other session)" in page.text
        assert _me(gw, bidder.token) == 401  # the API token made before the change
        again = client.get("/portal/account")  # this portal session carries on
        assert again.status_code == 200 and bidder.user["email"] in again.text
    assert not _signs_in(gw, bidder.user["email"], PASSWORD)
    assert _signs_in(gw, bidder.user["email"], NEW)


@pytest.mark.parametrize(("current", "new", "confirm", "field", "message"), [
    ("not my password at all", NEW, NEW, "current_password",
     "Your current password is not correct"),
    (PASSWORD, NEW, NEW + " typo", "new_password_confirm", "The new passwords do not match"),
    (PASSWORD, "short", "short", "new_password", "at least 12 characters"),
    (PASSWORD, "password1234", "password1234", "new_password", "Too easy to guess"),
    (PASSWORD, PASSWORD, PASSWORD, "new_password", "different from your current one"),
    ("", NEW, NEW, "current_password", "Enter your current password"),
])
def test_a_refused_password_change_names_the_field(platform, gw, current, new, confirm, field,
                                                    message):
    bidder = make_bidder(gw)
    client, csrf = portal_session(platform, bidder.user["email"], PASSWORD)
    with closing(client):
        resp = client.post("/portal/account", data={
            "csrf_token": csrf(client.get("/portal/account").text), "current_password": current,
            "new_password": new, "new_password_confirm": confirm})
        assert resp.status_code == 422, resp.text[:500]
        assert f'href="#f-{field}"' in resp.text and message in resp.text, resp.text[-3000:]
        assert f'id="f-{field}-error"' in resp.text
    assert _me(gw, bidder.token) == 200 and _signs_in(gw, bidder.user["email"], PASSWORD)


def test_the_account_form_needs_its_csrf_token(platform, gw):
    bidder = make_bidder(gw)
    client, _ = portal_session(platform, bidder.user["email"], PASSWORD)
    with closing(client):
        resp = client.post("/portal/account", data={
            "current_password": PASSWORD, "new_password": NEW, "new_password_confirm": NEW})
        assert resp.status_code == 400
    assert _signs_in(gw, bidder.user["email"], PASSWORD)


def test_only_admins_reach_the_users_page(platform, gw, actors):
    target = actors["auditor"].user["id"]
    for role in ("commissioner", "bidder"):
        actor = make_bidder(gw) if role == "bidder" else actors[role]
        client, csrf = portal_session(platform, actor.user["email"], PASSWORD)
        with closing(client):
            assert client.get("/portal/users").status_code == 403, role
            token = csrf(client.get("/portal/account").text)
            for action in ("deactivate", "revoke-tokens"):
                resp = client.post(f"/portal/users/{target}/{action}", data={"csrf_token": token})
                assert resp.status_code == 403, (role, action)
            resp = client.post("/portal/users", data={"csrf_token": token, "email": "x@x.org"})
            assert resp.status_code == 403, role
    assert _me(gw, actors["auditor"].token) == 200


def test_admin_deactivates_a_user_who_then_cannot_sign_in(platform, gw, admin, staff_org):
    user = _first_listed(gw, admin, staff_org)
    email = user.user["email"]
    client, csrf = portal_session(platform, admin.user["email"], PASSWORD)
    with closing(client):
        page = client.get("/portal/users")
        assert page.status_code == 200 and email in page.text
        assert f"/portal/users/{user.user['id']}/deactivate" in page.text
        resp = client.post(f"/portal/users/{user.user['id']}/deactivate",
                           data={"csrf_token": csrf(page.text), "email": email})
        assert resp.status_code in (302, 303)
        page = client.get("/portal/users")
        assert f"{email} is deactivated" in page.text
        assert f"/portal/users/{user.user['id']}/activate" in page.text
        assert _me(gw, user.token) == 401
        with httpx.Client(base_url=platform.url(), timeout=30) as them:
            sign_in = them.get("/portal/sign-in").text
            token = sign_in.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            refused = them.post("/portal/sign-in", data={"email": email, "password": PASSWORD,
                                                         "csrf_token": token})
            assert refused.status_code == 422
            assert "Enter a correct email address and password" in refused.text
        resp = client.post(f"/portal/users/{user.user['id']}/activate",
                           data={"csrf_token": csrf(page.text), "email": email})
        assert resp.status_code in (302, 303)
        assert f"{email} is reactivated" in client.get("/portal/users").text
    assert _signs_in(gw, email, PASSWORD)


def test_sign_out_everywhere_ends_that_users_portal_sessions(platform, gw, admin, staff_org):
    user = make_staff(gw, admin, staff_org, "moderator")
    theirs, _ = portal_session(platform, user.user["email"], PASSWORD)
    client, csrf = portal_session(platform, admin.user["email"], PASSWORD)
    with closing(client), closing(theirs):
        assert theirs.get("/portal/account").status_code == 200
        resp = client.post(f"/portal/users/{user.user['id']}/revoke-tokens", data={
            "csrf_token": csrf(client.get("/portal/users").text), "email": user.user["email"]})
        assert resp.status_code in (302, 303)
        done = client.get("/portal/users").text
        assert f"{user.user['email']} is signed out everywhere (2 sessions ended)" in done
        ended = theirs.get("/portal/account")
        assert ended.status_code in (302, 303)
        assert "/portal/sign-in" in ended.headers["location"]
        assert _me(gw, user.token) == 401
    assert _signs_in(gw, user.user["email"], PASSWORD)  # not deactivated


def test_admin_cannot_deactivate_themself_from_the_page(platform, gw, admin):
    client, csrf = portal_session(platform, admin.user["email"], PASSWORD)
    with closing(client):
        page = client.get("/portal/users")
        assert f"/portal/users/{admin.user['id']}/deactivate" not in page.text
        resp = client.post(f"/portal/users/{admin.user['id']}/deactivate",
                           data={"csrf_token": csrf(page.text)})
        assert resp.status_code == 400
        assert client.get("/portal/users").status_code == 200
    assert _me(gw, admin.token) == 200


def test_admin_creates_a_staff_user_who_can_sign_in(platform, gw, admin):
    email = f"0created-{uuid.uuid4().hex[:10]}@example.org"
    org = admin.user["organisation"]
    client, csrf = portal_session(platform, admin.user["email"], PASSWORD)
    with closing(client):
        page = client.get("/portal/users")
        assert f'value="{org["id"]}"' in page.text
        form = {"csrf_token": csrf(page.text), "email": email, "roles": "auditor",
                "organisation_id": org["id"], "password": PASSWORD}
        resp = client.post("/portal/users", data=form)
        assert resp.status_code in (302, 303), resp.text[-3000:]
        assert f"{email} is created as Auditor" in client.get("/portal/users").text
        again = client.post("/portal/users", data=form)
        assert again.status_code == 422
        assert 'href="#f-email"' in again.text and "already exists" in again.text
        weak = client.post("/portal/users", data={**form, "email": "0" + email,
                                                  "password": "password1234"})
        assert weak.status_code == 422
        assert 'href="#f-password"' in weak.text and "Too easy to guess" in weak.text
        blank = client.post("/portal/users", data={"csrf_token": form["csrf_token"]})
        assert blank.status_code == 422
        for field in ("email", "roles", "organisation_id", "password"):
            assert f'href="#f-{field}"' in blank.text, field
    token = login(gw, email)
    me = gw.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["roles"] == ["auditor"] and me["organisation"]["id"] == org["id"]
