"""Security suite fixtures: the real platform, real users of every role, their tokens."""

from __future__ import annotations

import subprocess
import sys
import uuid
from dataclasses import dataclass

import httpx
import pytest

from tests.support.builders import bid_body, tender_body

PASSWORD = "security suite passphrase"
ROLES = ("admin", "commissioner", "bidder", "evaluator", "moderator", "auditor")


@dataclass
class Actor:
    """A signed-in user of the platform."""

    role: str
    user: dict
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def _email(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}@example.org"


@pytest.fixture(scope="session")
def gw(platform) -> httpx.Client:
    """A client for the platform's gateway."""
    with httpx.Client(base_url=platform.url(), timeout=30) as client:
        yield client


def login(gw: httpx.Client, email: str, password: str = PASSWORD) -> str:
    resp = gw.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


def create_admin(platform, gw: httpx.Client) -> Actor:
    """The first admin, created with `coprocure users create` against the platform."""
    email = _email("admin")
    out = subprocess.run(
        [sys.executable, "-m", "services.cli", "users", "create", "--email", email,
         "--password", PASSWORD, "--role", "admin", "--organisation", "Platform Operators"],
        env=platform.environment(), capture_output=True, text=True, check=True)
    user_id = out.stdout.strip().splitlines()[-1]
    token = login(gw, email)
    me = gw.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["id"] == user_id
    return Actor("admin", me, token)


def create_staff_org(gw: httpx.Client, admin: Actor) -> dict:
    """A commissioning body for the staff users."""
    resp = gw.post("/api/v1/organisations", headers=admin.headers,
                   json={"name": f"Borough Council {uuid.uuid4().hex[:6]}",
                         "kind": "commissioning_body"})
    assert resp.status_code == 201, resp.text
    return resp.json()


def make_staff(gw, admin: Actor, org: dict, role: str, lived_experience: bool = False) -> Actor:
    """An admin-created staff user, signed in."""
    email = _email(role)
    resp = gw.post("/api/v1/users", headers=admin.headers, json={
        "email": email, "password": PASSWORD, "roles": [role],
        "organisation_id": org["id"], "lived_experience": lived_experience})
    assert resp.status_code == 201, resp.text
    return Actor(role, resp.json(), login(gw, email))


def make_bidder(gw) -> Actor:
    """A self-registered bidder organisation's user, signed in."""
    email = _email("bidder")
    resp = gw.post("/api/v1/auth/register", json={
        "email": email, "password": PASSWORD,
        "organisation": {"name": f"Bidder {uuid.uuid4().hex[:8]} CIC", "kind": "cic"}})
    assert resp.status_code == 201, resp.text
    return Actor("bidder", resp.json(), login(gw, email))


def cast_of_roles(gw: httpx.Client, admin: Actor, org: dict) -> dict[str, Actor]:
    """One signed-in user per role (staff in one council; the bidder in its own CIC)."""
    out = {"admin": admin, "bidder": make_bidder(gw)}
    for role in ("commissioner", "evaluator", "moderator", "auditor"):
        out[role] = make_staff(gw, admin, org, role, lived_experience=role == "evaluator")
    return out


@pytest.fixture(scope="session")
def admin(platform, gw) -> Actor:
    """The shared platform's first admin."""
    return create_admin(platform, gw)


@pytest.fixture(scope="session")
def staff_org(gw, admin) -> dict:
    return create_staff_org(gw, admin)


@pytest.fixture(scope="session")
def actors(gw, admin, staff_org) -> dict[str, Actor]:
    """One signed-in user per role on the shared platform."""
    return cast_of_roles(gw, admin, staff_org)


@pytest.fixture(scope="module")
def fuzz_platform(platform_factory):
    """A platform of the module's own for a schemathesis file: the thousands of tenders, bids
    and closes a fuzz run makes stay off the shared platform (and its queues). The panel's
    wait for a tender scoring has not heard of is 1 s, not 5 s: every fuzzed tender id is
    well-formed and unknown, and each would wait in full."""
    plat = platform_factory(COPROCURE_TENDER_WAIT_SECONDS="1")
    yield plat
    plat.stop()


@pytest.fixture(scope="module")
def fuzz_actors(fuzz_platform) -> dict[str, Actor]:
    """One signed-in user per role on the module's fuzz platform."""
    with httpx.Client(base_url=fuzz_platform.url(), timeout=30) as client:
        admin = create_admin(fuzz_platform, client)
        return cast_of_roles(client, admin, create_staff_org(client, admin))


def create_tender(gw, commissioner: Actor, publish: bool = True, **overrides) -> dict:
    """The example tender, owned by the commissioner's organisation (published unless asked
    not to)."""
    resp = gw.post("/api/v1/tenders", headers=commissioner.headers, json=tender_body(**overrides))
    assert resp.status_code == 201, resp.text
    tender = resp.json()
    if publish:
        pub = gw.post(f"/api/v1/tenders/{tender['id']}/publish", headers=commissioner.headers)
        assert pub.status_code == 200, pub.text
        tender = pub.json()
    return tender


def submit_bid(gw, bidder: Actor, tender_id: str) -> dict:
    """The example bid, submitted by the bidder."""
    resp = gw.post(f"/api/v1/tenders/{tender_id}/bids", headers=bidder.headers, json=bid_body())
    assert resp.status_code == 201, resp.text
    return resp.json()


def log_text(platform, name: str) -> str:
    """A platform process's log so far."""
    path = platform.root / "logs" / f"{name}.log"
    return path.read_text(errors="replace") if path.exists() else ""
