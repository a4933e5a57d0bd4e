"""Platform fixtures for the benches: staff users, bidders, a published tender, ~5 KB bids."""

from __future__ import annotations

import asyncio
import copy
import random
import subprocess
import sys
import uuid
from typing import Any

import httpx

from services.demo import scenario
from services.demo.client import Client
from shared.identity import HEADER, Identity, sign_assertion

PASSWORD = "bench-password-" + uuid.uuid4().hex[:10]
UNLIMITED = "1000000/minute"
# Gateway rate limits off for the bench (they are per token/IP and the bench is one IP).
BENCH_ENV = {
    "COPROCURE_SANDBOX": "1",  # zero minimum tender periods: deadlines a minute away
    "COPROCURE_RATE_LIMIT": UNLIMITED,
    "COPROCURE_IP_RATE_LIMIT": UNLIMITED,
    "COPROCURE_LOGIN_RATE_LIMIT": UNLIMITED,
    "COPROCURE_LOGIN_IP_RATE_LIMIT": UNLIMITED,
}

SENTENCES = [
    "Outcomes are agreed with members at intake and reviewed with them every quarter.",
    "Our peer researchers, all with lived experience, run the follow-up interviews.",
    "We publish our outcome data openly, including the outcomes we did not achieve.",
    "Members sit on the recruitment panel for every frontline role.",
    "Baseline measures are taken with validated scales before any support starts.",
    "We pay people with lived experience for their time at the real living wage.",
    "An independent evaluator from the local university verifies the outcome data.",
    "Each neighbourhood hub is run jointly by a staff member and a member volunteer.",
    "We track who does not engage and co-design changes with them to reach them.",
    "Our theory of change was written with members over six facilitated workshops.",
    "Risks are reviewed monthly by the board, where members hold two seats.",
    "We share a participatory budget of five per cent of the contract value with members.",
    "Transport, childcare and caring costs are met so that everyone can take part.",
    "We will hand over the peer network to a member-led association by year three.",
]


def create_user(env: dict[str, str], email: str, roles: list[str],
                organisation: str | None = None) -> str:
    """Create a user with the ``coprocure users create`` command; return its id."""
    argv = [sys.executable, "-m", "services.cli", "users", "create", "--email", email,
            "--password", PASSWORD]
    for role in roles:
        argv += ["--role", role]
    if organisation:
        argv += ["--organisation", organisation]
    out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def staff_client(plat: Any, role: str, organisation: str = "Bench Borough Council") -> Client:
    """A signed-in client of a new staff user with ``role``."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@bench.example"
    create_user(plat.environment(), email, [role], organisation)
    return Client(plat.url(), timeout=60).login(email, PASSWORD)


def publish_tender(commissioner: Client, deadline_in: float,
                   clarification_in: float | None = None) -> dict[str, Any]:
    """Draft and publish the example tender with a submission deadline ``deadline_in`` s away."""
    body = scenario.tender_body(clarification_in if clarification_in is not None
                                else deadline_in / 2, deadline_in)
    draft = commissioner.post("/tenders", body)
    return commissioner.post(f"/tenders/{draft['id']}/publish")


async def _register_one(http: httpx.AsyncClient, base: str, i: int, tag: str,
                        sem: asyncio.Semaphore) -> dict[str, Any]:
    email = f"bidder{i}-{tag}@bench.example"
    kinds = ("cic", "charity", "social_enterprise", "cooperative")
    async with sem:
        for attempt in range(5):
            try:
                resp = await http.post(f"{base}/api/v1/auth/register", json={
                    "email": email, "password": PASSWORD,
                    "organisation": {"name": f"Bench Bidder {i} {tag}",
                                     "kind": kinds[i % len(kinds)]}})
                if resp.status_code not in (201, 409):
                    resp.raise_for_status()
                resp = await http.post(f"{base}/api/v1/auth/token",
                                       json={"email": email, "password": PASSWORD})
                resp.raise_for_status()
                doc = resp.json()
                return {"email": email, "token": doc["access_token"], "user": doc["user"]}
            except (httpx.TimeoutException, httpx.TransportError):
                if attempt == 4:
                    raise
    raise RuntimeError("unreachable")


async def register_bidders(base: str, count: int, concurrency: int = 8) -> list[dict[str, Any]]:
    """Register ``count`` bidder organisations through the gateway; return their tokens."""
    tag = uuid.uuid4().hex[:6]
    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=60) as http:
        return await asyncio.gather(*(_register_one(http, base, i, tag, sem)
                                      for i in range(count)))


def bidder_headers(registered: list[dict[str, Any]], key: str, ttl_seconds: int
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each registered bidder's organisation and headers: its bearer token (through the
    gateway) and a signed assertion (straight to a service, the baseline)."""
    via_gateway, direct = [], []
    for who in registered:
        user, org = who["user"], who["user"]["organisation"]
        via_gateway.append({"org": org["id"],
                            "headers": {"Authorization": f"Bearer {who['token']}"}})
        identity = Identity(user_id=user["id"], organisation_id=org["id"], roles=("bidder",),
                            email=user["email"], organisation_name=org["name"])
        direct.append({"org": org["id"],
                       "headers": {HEADER: sign_assertion(key, identity,
                                                          ttl_seconds=ttl_seconds)}})
    return via_gateway, direct


def bid_body(rng: random.Random, target_bytes: int = 5000) -> dict[str, Any]:
    """A realistic bid: one of the example bids, varied in price and padded narratives."""
    maker = rng.choice([b["bid"] for b in scenario.BIDDERS])
    body = copy.deepcopy(maker())
    pounds = rng.randrange(200_000, 450_000)
    body["price"] = {"amount": f"{pounds}.{rng.randrange(100):02d}", "currency": "GBP"}
    size = len(str(body))
    responses = body["responses"]
    i = 0
    while size < target_bytes:
        sentence = rng.choice(SENTENCES) + " "
        responses[i % len(responses)]["narrative"] += " " + sentence.strip()
        size += len(sentence) + 1
        i += 1
    return body
