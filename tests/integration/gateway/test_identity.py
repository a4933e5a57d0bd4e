"""Identity through the gateway's own endpoints: register, tokens, /me, revoke, expiry, admin."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import select

from services.gateway.adapters.tables import ApiToken, User
from tests.integration.gateway.conftest import PASSWORD, unique_email

REG = "/api/v1/auth/register"
TOKEN = "/api/v1/auth/token"


def register(client, email=None, password=PASSWORD, name=None, kind="cic"):
    return client.post(REG, json={"email": email or unique_email("bidder"), "password": password,
                                  "organisation": {"name": name or unique_email("org"),
                                                   "kind": kind}})


def test_register_creates_a_bidder_with_its_organisation(client):
    resp = register(client, email="Founder@Example.org", name="Kindred Futures CIC")
    assert resp.status_code == 201, resp.json
    body = resp.json
    assert body["email"] == "founder@example.org"
    assert body["roles"] == ["bidder"]
    assert body["organisation"]["name"] == "Kindred Futures CIC"
    assert body["organisation"]["kind"] == "cic"
    assert body["lived_experience"] is False
    assert "password" not in body and "password_hash" not in body


def test_register_refuses_bad_input_naming_the_field(client):
    cases = [
        ({"password": "short"}, "password"),
        ({"organisation": {"name": "X", "kind": "commissioning_body"}}, "organisation.kind"),
        ({"organisation": {"name": "X", "kind": "pirate"}}, "organisation.kind"),
        ({"email": "not-an-email"}, "email"),
        ({"roles": ["admin"]}, "roles"),
        ({"organisation": {"name": "X", "kind": "cic", "id": "org_x"}}, "organisation.id"),
        ({"password": 12345678901234}, "password"),
        ({"password": " " * 12}, "password"),  # issue 14: length alone let these in
        ({"password": "password1234"}, "password"),
        # Lone surrogates cannot be hashed or stored (a 500 before, found by schemathesis).
        ({"password": "correct horse \ud800 battery"}, "password"),
        ({"organisation": {"name": "Co-op \udca6", "kind": "cooperative"}},
         "organisation.name"),
        ({"email": "a\x00b@example.org"}, "email"),
    ]
    for change, field in cases:
        body = {"email": unique_email(), "password": PASSWORD,
                "organisation": {"name": unique_email("org"), "kind": "charity"}}
        body.update(change)
        resp = client.post(REG, json=body)
        assert resp.status_code == 422, (change, resp.json)
        assert resp.mimetype == "application/problem+json"
        assert field in resp.json["errors"], (change, resp.json)


def test_duplicate_email_and_organisation_name_conflict(client):
    assert register(client, email="dup@example.org", name="Alpha Co-op").status_code == 201
    email_taken = register(client, email="DUP@example.org")
    assert email_taken.status_code == 409
    # Nobody registers themselves into an existing organisation by naming it.
    name_taken = register(client, name="alpha   co-op")
    assert name_taken.status_code == 409
    # The same answer for both, naming neither (issue 14: no account enumeration).
    assert email_taken.json["detail"] == name_taken.json["detail"]
    for resp in (email_taken, name_taken):
        assert "dup@" not in resp.get_data(as_text=True).lower()
        assert "alpha" not in resp.get_data(as_text=True).lower()


def test_password_is_stored_as_argon2_hash(client, gateway):
    register(client, email="hash@example.org")
    with gateway.extensions["coprocure"].session_factory() as session:
        user = session.scalar(select(User).where(User.email == "hash@example.org"))
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


def test_token_me_and_token_stored_hashed(client, gateway):
    register(client, email="me@example.org", name="Me Mutual", kind="mutual")
    resp = client.post(TOKEN, json={"email": "ME@example.org", "password": PASSWORD})
    assert resp.status_code == 200, resp.json
    body = resp.json
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 8 * 3600
    assert body["expires_at"].endswith("Z")
    assert body["user"]["email"] == "me@example.org"
    token = body["access_token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert set(me.json) == {"id", "email", "roles", "organisation", "lived_experience"}
    assert me.json["organisation"]["name"] == "Me Mutual"
    with gateway.extensions["coprocure"].session_factory() as session:
        stored = session.scalars(select(ApiToken.token_sha256)).all()
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64


def test_wrong_password_or_unknown_email_is_the_same_401(client):
    register(client, email="who@example.org")
    wrong = client.post(TOKEN, json={"email": "who@example.org", "password": "x" * 14})
    unknown = client.post(TOKEN, json={"email": "nobody@example.org", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json["detail"] == unknown.json["detail"]
    assert client.post(TOKEN, json={"email": "who@example.org"}).status_code == 422


def test_bad_tokens_are_401_never_anonymous(client):
    for header in ("Bearer nonsense", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer " + "a" * 600):
        resp = client.get("/api/v1/tenders", headers={"Authorization": header})
        assert resp.status_code == 401, header
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/me").status_code == 401


def test_token_expires_with_the_clock(client, make_user, login, clock):
    headers = login(make_user("bidder"))
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    clock.now += timedelta(hours=8) - timedelta(seconds=1)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    clock.now += timedelta(seconds=1)
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_token_ttl_is_configurable(make_app, clock, make_user):
    app = make_app("gateway", CLOCK=clock, TOKEN_TTL_SECONDS=60)
    user = make_user("auditor")
    resp = app.test_client().post(TOKEN, json={"email": user["email"], "password": PASSWORD})
    assert resp.json["expires_in"] == 60


def test_revoke_by_post_and_by_delete(client, make_user, login):
    user = make_user("commissioner")
    first, second = login(user), login(user)
    assert client.post("/api/v1/auth/revoke", headers=first).status_code == 204
    assert client.get("/api/v1/me", headers=first).status_code == 401
    assert client.get("/api/v1/me", headers=second).status_code == 200  # only that token
    assert client.delete(TOKEN, headers=second).status_code == 204
    assert client.get("/api/v1/me", headers=second).status_code == 401
    assert client.post("/api/v1/auth/revoke").status_code == 401


def test_deactivated_user_tokens_stop_working(client, gateway, make_user, login):
    user = make_user("evaluator")
    headers = login(user)
    with gateway.extensions["coprocure"].session_factory() as session:
        session.get(User, user["id"]).active = False
        session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_admin_creates_organisations_and_staff(client, make_user, login):
    admin = login(make_user("admin"))
    org = client.post("/api/v1/organisations", headers=admin,
                      json={"name": "Borough Council", "kind": "commissioning_body"})
    assert org.status_code == 201, org.json
    assert org.json["kind"] == "commissioning_body" and org.json["id"]
    user = client.post("/api/v1/users", headers=admin, json={
        "email": "Eval@Borough.gov.uk", "password": PASSWORD, "roles": ["evaluator"],
        "organisation_id": org.json["id"], "lived_experience": True})
    assert user.status_code == 201, user.json
    assert user.json["roles"] == ["evaluator"] and user.json["lived_experience"] is True
    assert user.json["organisation"]["id"] == org.json["id"]
    token = client.post(TOKEN, json={"email": "eval@borough.gov.uk", "password": PASSWORD})
    assert token.status_code == 200
    got = client.get(f"/api/v1/organisations/{org.json['id']}", headers=admin)
    assert got.status_code == 200 and got.json["name"] == "Borough Council"


def test_admin_user_creation_validates(client, make_user, login):
    admin = login(make_user("admin"))
    base = {"email": unique_email(), "password": PASSWORD, "roles": ["auditor"],
            "organisation_id": None}
    for change, field in [({"roles": ["overlord"]}, "roles.0"), ({"roles": []}, "roles"),
                          ({"organisation_id": "org_missing"}, "organisation_id"),
                          ({"active": False}, "active"), ({"password": "short"}, "password")]:
        resp = client.post("/api/v1/users", headers=admin, json={**base, **change})
        assert resp.status_code == 422, (change, resp.json)
        assert field in resp.json["errors"], (change, resp.json)
    bad_kind = client.post("/api/v1/organisations", headers=admin,
                           json={"name": "Y", "kind": "empire"})
    assert bad_kind.status_code == 422 and "kind" in bad_kind.json["errors"]


def test_admin_routes_refuse_everyone_else(client, make_user, login):
    for role in ("commissioner", "bidder", "evaluator", "moderator", "auditor"):
        headers = login(make_user(role))
        assert client.post("/api/v1/organisations", headers=headers,
                           json={"name": "Z", "kind": "cic"}).status_code == 403
        assert client.post("/api/v1/users", headers=headers, json={}).status_code == 403
        assert client.get("/api/v1/admin/queues", headers=headers).status_code == 403
        assert client.post("/api/v1/admin/queues/failed/x/requeue",
                           headers=headers).status_code == 403
    assert client.post("/api/v1/users", json={}).status_code == 401
    assert client.get("/api/v1/admin/queues").status_code == 401


def test_organisation_visible_to_members_and_admins_only(client, make_user, login):
    member = make_user("bidder", org="Visible Org")
    outsider = login(make_user("bidder"))
    own = client.get(f"/api/v1/organisations/{member['organisation']['id']}",
                     headers=login(member))
    assert own.status_code == 200
    other = client.get(f"/api/v1/organisations/{member['organisation']['id']}", headers=outsider)
    assert other.status_code == 404


def test_cli_creates_users_and_their_organisation(gateway, client, monkeypatch, database_urls):
    from services.gateway import context as runtime
    from services.gateway.entrypoints import cli as commands

    monkeypatch.setenv("COPROCURE_GATEWAY_DATABASE_URL", database_urls["gateway"])
    runtime.reset()
    try:
        runner = CliRunner()
        result = runner.invoke(commands.users, [
            "create", "--email", "root@example.org", "--password", PASSWORD, "--role", "admin",
            "--role", "auditor", "--organisation", "Platform Team"])
        assert result.exit_code == 0, result.output
        user_id = result.output.strip()
        assert user_id.startswith("usr_")
        again = runner.invoke(commands.users, [
            "create", "--email", "ROOT@example.org", "--password", PASSWORD, "--role", "admin"])
        assert again.exit_code != 0 and "already exists" in again.output
        short = runner.invoke(commands.users, [
            "create", "--email", "x@example.org", "--password", "short", "--role", "admin"])
        assert short.exit_code != 0 and "password" in short.output
    finally:
        runtime.reset()
    token = client.post(TOKEN, json={"email": "root@example.org", "password": PASSWORD})
    me = token.json["user"]
    assert me["id"] == user_id and sorted(me["roles"]) == ["admin", "auditor"]
    assert me["organisation"]["kind"] == "commissioning_body"


def test_login_flood_is_429_with_retry_after(make_app, make_user):
    app = make_app("gateway", LOGIN_RATE_LIMIT="5/minute")
    client = app.test_client()
    user = make_user("bidder")
    codes = [client.post(TOKEN, json={"email": user["email"], "password": "w" * 14}).status_code
             for _ in range(8)]
    assert codes[:5] == [401] * 5 and codes[5:] == [429] * 3
    resp = client.post(TOKEN, json={"email": user["email"], "password": PASSWORD})
    assert resp.status_code == 429
    assert resp.mimetype == "application/problem+json"
    assert int(resp.headers["Retry-After"]) > 0


def test_successful_sign_ins_do_not_spend_the_accounts_guessing_budget(make_app, make_user):
    app = make_app("gateway", LOGIN_RATE_LIMIT="3/minute")
    client = app.test_client()
    user = make_user("bidder")
    ok = [client.post(TOKEN, json={"email": user["email"], "password": PASSWORD}).status_code
          for _ in range(6)]
    assert ok == [200] * 6
    wrong = [client.post(TOKEN, json={"email": user["email"], "password": "w" * 14}).status_code
             for _ in range(4)]
    assert wrong == [401, 401, 401, 429]


def test_general_rate_limit_per_token(make_app, make_user):
    app = make_app("gateway", RATE_LIMIT="3/minute")
    client = app.test_client()
    user = make_user("bidder")
    token = client.post(TOKEN, json={"email": user["email"], "password": PASSWORD}).json
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    codes = [client.get("/api/v1/me", headers=headers).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get("/healthz").status_code == 200  # probes are never limited


def test_anonymous_callers_are_limited_per_ip_and_signed_in_ones_per_token(make_app, make_user):
    app = make_app("gateway", IP_RATE_LIMIT="2/minute", RATE_LIMIT="100/minute")
    client = app.test_client()
    user = make_user("bidder")
    token = client.post(TOKEN, json={"email": user["email"], "password": PASSWORD}).json
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    anonymous = [client.get("/api/v1/me").status_code for _ in range(3)]
    assert anonymous[-1] == 429  # the IP's anonymous budget is spent...
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # ...not the token's
