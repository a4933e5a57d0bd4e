"""Account security (issue 14, item 5): password change revokes other tokens; an admin
deactivates a user or revokes all of its tokens."""

from __future__ import annotations

from tests.integration.gateway.conftest import PASSWORD

ME = "/api/v1/me"
NEW = "a different long passphrase"


def test_password_change_revokes_every_other_token(client, make_user, login):
    user = make_user("bidder")
    laptop, stolen = login(user), login(user)
    resp = client.post(f"{ME}/password", headers=laptop,
                       json={"current_password": PASSWORD, "new_password": NEW})
    assert resp.status_code == 200, resp.json
    assert resp.json == {"user_id": user["id"], "revoked_tokens": 1}
    assert client.get(ME, headers=stolen).status_code == 401
    assert client.get(ME, headers=laptop).status_code == 200
    old = client.post("/api/v1/auth/token", json={"email": user["email"], "password": PASSWORD})
    assert old.status_code == 401
    assert login({**user, "password": NEW})


def test_password_change_needs_the_current_password_and_a_good_new_one(client, make_user,
                                                                         login):
    user = make_user("bidder")
    headers = login(user)
    cases = [({"current_password": "wrong wrong wrong", "new_password": NEW}, "current_password"),
             ({"current_password": PASSWORD, "new_password": "short"}, "new_password"),
             ({"current_password": PASSWORD, "new_password": PASSWORD}, "new_password"),
             ({"current_password": PASSWORD}, "new_password")]
    for body, field in cases:
        resp = client.post(f"{ME}/password", headers=headers, json=body)
        assert resp.status_code == 422, (body, resp.json)
        assert resp.mimetype == "application/problem+json"
        assert field in resp.json["errors"], (body, resp.json)
    assert client.get(ME, headers=headers).status_code == 200
    assert client.post(f"{ME}/password", json={"current_password": PASSWORD,
                                               "new_password": NEW}).status_code == 401


def test_admin_deactivates_a_user_and_its_tokens_stop(client, make_user, login):
    admin, user = make_user("admin"), make_user("evaluator")
    token = login(user)
    assert client.post(f"/api/v1/users/{user['id']}/deactivate",
                       headers=login(user)).status_code == 403
    resp = client.post(f"/api/v1/users/{user['id']}/deactivate", headers=login(admin))
    assert resp.status_code == 200, resp.json
    assert resp.json["active"] is False
    assert client.get(ME, headers=token).status_code == 401
    signin = client.post("/api/v1/auth/token", json={"email": user["email"],
                                                     "password": PASSWORD})
    assert signin.status_code == 401
    back = client.post(f"/api/v1/users/{user['id']}/activate", headers=login(admin))
    assert back.status_code == 200 and back.json["active"] is True
    assert client.get(ME, headers=token).status_code == 401  # old tokens stay revoked
    assert client.get(ME, headers=login(user)).status_code == 200


def test_admin_revokes_all_tokens_of_a_user(client, make_user, login):
    admin, user = make_user("admin"), make_user("bidder")
    tokens = [login(user) for _ in range(3)]
    resp = client.post(f"/api/v1/users/{user['id']}/revoke-tokens", headers=login(admin))
    assert resp.status_code == 200, resp.json
    assert resp.json == {"user_id": user["id"], "revoked_tokens": 3}
    assert all(client.get(ME, headers=t).status_code == 401 for t in tokens)
    missing = client.post("/api/v1/users/usr_nope/revoke-tokens", headers=login(admin))
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_a_password_changed_in_the_database_ends_older_tokens(client, gateway, make_user, login):
    """No API involved: an operator resets the hash with an UPDATE (issue 14, item 5)."""
    from sqlalchemy import update

    from services.gateway.adapters import passwords
    from services.gateway.adapters.tables import User
    from services.gateway.context import context_from_app

    user = make_user("bidder")
    old = login(user)
    assert client.get(ME, headers=old).status_code == 200
    with context_from_app(gateway).session_factory.begin() as session:
        session.execute(update(User).where(User.id == user["id"]).values(
            password_hash=passwords.hash_password(NEW)))
    assert client.get(ME, headers=old).status_code == 401
    assert client.get(ME, headers=login({**user, "password": NEW})).status_code == 200
