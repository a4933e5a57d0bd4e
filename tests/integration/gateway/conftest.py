"""Fixtures for the gateway's in-process tests: an app on a clean identity DB, users, tokens."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from services.gateway.context import context_from_app
from services.gateway.service_layer import users

PASSWORD = "correct horse battery staple"
NO_UPSTREAMS = {"commissioning": "http://127.0.0.1:9", "scoring": "http://127.0.0.1:9"}


class Clock:
    """A controllable clock for token expiry."""

    def __init__(self) -> None:
        self.now = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def gateway(make_app, clock):
    """The gateway app with a controlled clock and no reachable upstreams."""
    return make_app("gateway", CLOCK=clock, UPSTREAMS=NO_UPSTREAMS)


@pytest.fixture
def client(gateway):
    return gateway.test_client()


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.org"


@pytest.fixture
def make_user(gateway):
    """Create a user straight through the service layer (as the CLI does)."""

    def make(*roles: str, org: str | None = None, lived_experience: bool = False) -> dict:
        email = unique_email(roles[0] if roles else "user")
        user = users.create_user_with_org_name(
            context_from_app(gateway), email, PASSWORD, list(roles),
            org or f"Org {uuid.uuid4().hex[:8]}", lived_experience)
        return {**user, "password": PASSWORD}

    return make


def bearer(client, user: dict) -> dict[str, str]:
    """Sign in through this app's test client; the token's headers."""
    resp = client.post("/api/v1/auth/token",
                       json={"email": user["email"], "password": user["password"]})
    assert resp.status_code == 200, resp.json
    return {"Authorization": f"Bearer {resp.json['access_token']}"}


@pytest.fixture
def login(client):
    """Token headers for a user."""
    return lambda user: bearer(client, user)
