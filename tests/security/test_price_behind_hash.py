"""Panel members cannot recover a bid's price from anything they can read (issue 14, High 1).

The attack as it was found: a bid's receipt `content_sha256` is the SHA-256 of the whole
canonical bid, price included, and prices are few enough to enumerate. Here one tender is taken
past its deadline with a panel; then, for every route and portal page a panel member can read,
every price in pence within £50 of each bid's real one is tried and no candidate's hash may
appear. The same brute force run against the bidder's own receipt finds its price, so the test
is the attack, not a string search that could never match.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

import httpx
import pytest
import rfc8785

from services.demo.runner import DemoRun

pytestmark = [pytest.mark.security, pytest.mark.timeout(900)]
WAIT = 240.0
SPREAD_PENCE = 5000  # £50 either side of the real price: 10,001 guesses per bid


def _guesses(body: dict) -> dict[str, str]:
    """SHA-256 of the canonical bid for every price near the real one → that price."""
    real = Decimal(body["price"]["amount"]) * 100
    out = {}
    for pence in range(int(real) - SPREAD_PENCE, int(real) + SPREAD_PENCE + 1):
        amount = f"{Decimal(pence) / 100:.2f}"
        # Only the price changes: a copy of the bid with a new price object (no deep copy).
        guess = {**body, "price": {**body["price"], "amount": amount}}
        out[hashlib.sha256(rfc8785.dumps(guess)).hexdigest()] = amount
    return out


def _hexes(text: str) -> set[str]:
    return set(re.findall(r"[0-9a-f]{64}", text.lower()))


def _portal_client(base_url: str, email: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=30)
    form = client.get("/portal/sign-in").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    resp = client.post("/portal/sign-in", data={"email": email, "password": password,
                                                "csrf_token": csrf})
    assert resp.status_code in (302, 303), resp.text[:500]
    return client


@pytest.fixture(scope="module")
def opened(platform) -> DemoRun:
    """The example tender past its deadline: three bids opened, panel set and declared."""
    import subprocess
    import sys
    import uuid

    from services.demo.client import Client
    from services.demo.scenario import PASSWORD

    email = f"price-admin-{uuid.uuid4().hex[:8]}@example.org"
    subprocess.run([sys.executable, "-m", "services.cli", "users", "create", "--email", email,
                    "--password", PASSWORD, "--role", "admin"], env=platform.environment(),
                   check=True, capture_output=True)
    demo = DemoRun(platform.url(), Client(platform.url()).login(email, PASSWORD).token,
                   deadline_seconds=16)
    demo.create_staff()
    demo.register_bidders()
    demo.publish_tender()
    demo.submit_bids()
    demo.set_panel()
    demo.wait_for_deadline()
    demo.wait_for_assessment(timeout=WAIT)
    demo.declare_conflicts()
    return demo


def _panel_texts(demo: DemoRun, member: str) -> dict[str, str]:
    """Everything the member can read about the tender's bids: API routes and portal pages."""
    from services.demo.scenario import PASSWORD
    from shared.waiting import wait_until

    api = demo.clients[member]
    tid = demo.tender["id"]
    first = next(iter(demo.bids.values()))["id"]
    # Commissioning learns of the panel (PanelSet) through the queue.
    wait_until(lambda: api.request("GET", f"/bids/{first}", expect=(200, 404)).status_code
               == 200, timeout=WAIT, interval=1.0, what="PanelSet in commissioning")
    texts = {f"GET /tenders/{tid}/bids": api.request("GET", f"/tenders/{tid}/bids").text,
             f"GET /tenders/{tid}/evaluation":
                 api.request("GET", f"/tenders/{tid}/evaluation").text}
    portal = _portal_client(demo.base_url, demo.users[member]["email"], PASSWORD)
    try:
        for page in (f"/portal/tenders/{tid}", f"/portal/tenders/{tid}/evaluation", "/portal/"):
            texts[page] = portal.get(page).text
        for bid in demo.bids.values():
            bid_id = bid["id"]
            texts[f"GET /bids/{bid_id}"] = api.request("GET", f"/bids/{bid_id}").text
            texts[f"GET /tenders/{tid}/bids/{bid_id}/scores"] = api.request(
                "GET", f"/tenders/{tid}/bids/{bid_id}/scores", expect=(200, 403, 404)).text
            page = portal.get(f"/portal/bids/{bid_id}")
            assert page.status_code == 200, (bid_id, page.status_code)
            assert "Responses" in page.text  # the member really reads the bid
            texts[f"/portal/bids/{bid_id}"] = page.text
            texts[f"/portal/tenders/{tid}/bids/{bid_id}/score"] = portal.get(
                f"/portal/tenders/{tid}/bids/{bid_id}/score").text
    finally:
        portal.close()
    return texts


def test_the_brute_force_finds_the_price_behind_the_bidders_own_receipt(opened):
    """The attack works where the hash is meant to be: the bidder's own receipt."""
    for key, body in opened.bodies.items():
        guesses = _guesses(body)
        receipt = opened.clients[key].get(f"/bids/{opened.bids[key]['id']}")["receipt"]
        assert guesses.get(receipt["content_sha256"]) == body["price"]["amount"]


@pytest.fixture(scope="module")
def price_guesses(opened) -> dict[str, str]:
    """Every bid's guesses (hash → price), made once for the three panel members."""
    guesses: dict[str, str] = {}
    for body in opened.bodies.values():
        guesses.update(_guesses(body))
    return guesses


@pytest.mark.parametrize("member", ["evaluator1", "evaluator3", "moderator"])
def test_no_price_guess_matches_anything_the_panel_reads(opened, price_guesses, member):
    guesses = price_guesses
    texts = _panel_texts(opened, member)
    found = {where: sorted({guesses[h] for h in _hexes(text) if h in guesses})
             for where, text in texts.items()}
    assert not any(found.values()), {w: f for w, f in found.items() if f}
    for where, text in texts.items():
        for body in opened.bodies.values():
            assert body["price"]["amount"] not in text, where
