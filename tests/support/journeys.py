"""Whole journeys through a running platform's gateway, for the e2e tests: an admin, and the
demo tender taken from publication to award (optionally with a rate card)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from typing import Any

from services.demo import scenario
from services.demo.client import Client
from services.demo.runner import DemoRun


def admin_token(platform) -> str:
    """A fresh admin made with the CLI (as an operator would), signed in."""
    email = f"admin+{uuid.uuid4().hex[:6]}@example.org"
    subprocess.run([sys.executable, "-m", "services.cli", "users", "create", "--email", email,
                    "--password", scenario.PASSWORD, "--role", "admin"],
                   env=platform.environment(), check=True, capture_output=True)
    return Client(platform.url()).login(email, scenario.PASSWORD).token


def awarded_demo(platform, deadline_seconds: float = 16,
                 rate_card: dict[str, Any] | None = None) -> DemoRun:
    """The demo tender published (with ``rate_card`` if given), bid for, closed, scored by the
    panel and awarded to the top bid; the contract follows once the standstill (none) ends."""
    demo = DemoRun(platform.url(), admin_token(platform), deadline_seconds=deadline_seconds,
                   rate_card=rate_card)
    demo.create_staff()
    demo.register_bidders()
    demo.through_award()
    return demo


def portal_session(platform, email: str, password: str = scenario.PASSWORD):
    """An httpx client signed in to the portal (its session cookie), and a function giving
    the CSRF token of a portal page's form."""
    import re

    import httpx

    def csrf(html: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    client = httpx.Client(base_url=platform.url(), timeout=30)
    token = csrf(client.get("/portal/sign-in").text)
    resp = client.post("/portal/sign-in", data={"email": email, "password": password,
                                                "csrf_token": token})
    assert resp.status_code in (302, 303), resp.text[:500]
    return client, csrf


def assert_sealed(demo: DemoRun, urls: list[str], owner: str) -> None:
    """Every URL refused (problem+json) to every role of the demo but the owning bidder's
    organisation, and 401 to anonymous callers: a bid's documents before the deadline."""
    staff = ("commissioner", "evaluator1", "evaluator3", "moderator", "auditor")
    others = [k for k in ("strong", "outputs", "lowprice") if k != owner]
    anonymous = Client(demo.base_url)
    for who in (*staff, *others):
        for url in urls:
            resp = demo.clients[who].request("GET", url, expect=(403, 404))
            assert resp.headers["content-type"].startswith("application/problem+json")
    for url in urls:
        anonymous.request("GET", url, expect=401)
