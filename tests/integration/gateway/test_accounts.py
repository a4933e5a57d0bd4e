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


def test_admin_lists_users_a_page_at_a_time_without_password_hashes(client, make_user, login):
    admin = make_user("admin")
    made = [make_user("evaluator") for _ in range(3)]
    headers = login(admin)
    seen, cursor = [], None
    for _ in range(10):
        resp = client.get("/api/v1/users", headers=headers,
                          query_string={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert resp.status_code == 200, resp.json
        assert len(resp.json["items"]) <= 2
        seen += resp.json["items"]
        cursor = resp.json["next_cursor"]
        if cursor is None:
            break
    emails = [u["email"] for u in seen]
    assert emails == sorted(emails) and len(set(emails)) == len(emails)
    by_id = {u["id"]: u for u in seen}
    assert {u["id"] for u in [admin, *made]} <= set(by_id)
    one = by_id[made[0]["id"]]
    assert one["active"] is True and one["roles"] == ["evaluator"]
    assert one["organisation"]["name"] == made[0]["organisation"]["name"]
    assert not any("password" in key for user in seen for key in user)
    client.post(f"/api/v1/users/{made[0]['id']}/deactivate", headers=headers)
    everyone = client.get("/api/v1/users", headers=headers, query_string={"limit": 200}).json
    assert {u["id"]: u["active"] for u in everyone["items"]}[made[0]["id"]] is False


def test_only_admins_list_users(client, make_user, login):
    assert client.get("/api/v1/users").status_code == 401
    for role in ("commissioner", "auditor", "bidder"):
        resp = client.get("/api/v1/users", headers=login(make_user(role)))
        assert resp.status_code == 403, (role, resp.json)
        assert resp.mimetype == "application/problem+json"


def test_user_list_refuses_a_bad_limit_or_cursor_naming_it(client, make_user, login):
    headers = login(make_user("admin"))
    for query, field in (({"limit": 0}, "limit"), ({"limit": 201}, "limit"),
                         ({"cursor": "not a cursor"}, "cursor"), ({"cursor": "e30"}, "cursor")):
        resp = client.get("/api/v1/users", headers=headers, query_string=query)
        assert resp.status_code == 422, (query, resp.json)
        assert field in resp.json["errors"], (query, resp.json)


def test_user_list_is_in_the_openapi_document(client):
    op = client.get("/api/v1/openapi.json").json["paths"]["/api/v1/users"]["get"]
    assert op["operationId"] == "listUsers"
    assert op["security"] == [{"bearerAuth": []}]
    assert {"401", "403", "422"} <= set(op["responses"])
    limit = next(p for p in op["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 200
