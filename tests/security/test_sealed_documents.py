"""Sealed documents: a bid's documents for every role before and after the deadline, through
the gateway of the real platform (docs/architecture.md, "Documents").

Before the deadline a bid's documents exist for nobody but the bidder's organisation: every
other role gets the same 404 as a document that does not exist (or the route table's 401/403).
After it they follow the bid: the owner commissioner and auditors read all of them, panel
members all but the price schedule, a member whose conflict blocks the bid none, outsiders none.
"""

from __future__ import annotations

import pytest

from services.demo.runner import DemoRun
from shared.waiting import wait_until
from tests.security.conftest import Actor, make_staff
from tests.support.builders import document_bytes

pytestmark = [pytest.mark.security, pytest.mark.timeout(900)]
WAIT = 240.0
PRICES = document_bytes("xlsx", 500)


def _actor(demo: DemoRun, name: str, role: str) -> Actor:
    return Actor(role, demo.users[name], demo.clients[name].token)


@pytest.fixture(scope="module")
def sealed(platform, gw, admin, actors) -> dict:
    demo = DemoRun(platform.url(), admin.token, deadline_seconds=16)
    demo.create_staff()
    demo.register_bidders()
    council = demo.users["commissioner"]["organisation"]
    conflicted = make_staff(gw, admin, council, "evaluator")
    tid = demo.publish_tender()["id"]
    demo.submit_bids()  # each with a method statement
    bid = demo.bids["strong"]["id"]
    schedule = demo.clients["strong"].upload(f"/bids/{bid}/documents", PRICES,
                                             filename="prices.xlsx", price_schedule="true")
    body = {"evaluators": [demo.users[f"evaluator{i}"]["id"] for i in (1, 2, 3)]
            + [conflicted.user["id"]], "moderator": demo.users["moderator"]["id"]}
    commissioner = demo.clients["commissioner"]
    wait_until(lambda: commissioner.request("PUT", f"/tenders/{tid}/panel", json=body,
                                            expect=(200, 404)).status_code == 200,
               timeout=WAIT, interval=1.0, what="the panel to be set")
    method = demo.documents["strong"]["document"]["id"]
    base = f"/api/v1/bids/{bid}/documents"
    return {
        "demo": demo, "tender": tid, "bid": bid, "conflicted": conflicted,
        "routes": {"list": base, "meta": f"{base}/{method}", "method": f"{base}/{method}/content",
                   "prices": f"{base}/{schedule['document']['id']}/content"},
        "principals": {
            "anonymous": None, "admin": admin,
            "bidder": _actor(demo, "strong", "bidder"),
            "other_bidder": _actor(demo, "outputs", "bidder"),
            "commissioner": _actor(demo, "commissioner", "commissioner"),
            "evaluator": _actor(demo, "evaluator1", "evaluator"),
            "moderator": _actor(demo, "moderator", "moderator"),
            "auditor": _actor(demo, "auditor", "auditor"),
            "conflicted_evaluator": conflicted,
            "foreign_commissioner": actors["commissioner"],
            "off_panel_evaluator": actors["evaluator"],
        },
    }


def _statuses(gw, sealed) -> dict[tuple[str, str], int]:
    out = {}
    for who, actor in sealed["principals"].items():
        headers = actor.headers if actor else {}
        for name, path in sealed["routes"].items():
            resp = gw.get(path, headers=headers)
            if resp.status_code != 200:
                assert resp.headers["content-type"].startswith("application/problem+json")
            out[(who, name)] = resp.status_code
    return out


def _expect(table: dict[str, tuple[int, int, int, int]]) -> dict[tuple[str, str], int]:
    return {(who, name): status for who, row in table.items()
            for name, status in zip(("list", "meta", "method", "prices"), row, strict=True)}


def test_bid_documents_before_and_after_the_deadline_for_every_role(gw, sealed):
    nothing = (404, 404, 404, 404)
    before = _statuses(gw, sealed)
    assert before == _expect({
        "anonymous": (401,) * 4, "admin": (403,) * 4, "bidder": (200,) * 4,
        "other_bidder": nothing, "commissioner": nothing, "evaluator": nothing,
        "moderator": nothing, "auditor": nothing, "conflicted_evaluator": nothing,
        "foreign_commissioner": nothing, "off_panel_evaluator": nothing})
    # Nor can anyone else attach to, or remove from, the bid.
    for who in ("other_bidder",):
        headers = sealed["principals"][who].headers
        resp = gw.post(sealed["routes"]["list"], params={"filename": "x.pdf"},
                       content=document_bytes("pdf"),
                       headers={**headers, "Content-Type": "application/octet-stream"})
        assert resp.status_code == 404
        assert gw.delete(sealed["routes"]["meta"], headers=headers).status_code == 404

    demo = sealed["demo"]
    demo.wait_for_deadline()
    demo.wait_for_assessment(timeout=WAIT)
    demo.declare_conflicts()
    conflicted = sealed["conflicted"]
    resp = gw.post(f"/api/v1/tenders/{sealed['tender']}/conflicts", headers=conflicted.headers,
                   json={"declarations": [{"bid_id": sealed["bid"], "has_conflict": True,
                                           "detail": "Trustee of the bidding organisation."}]})
    assert resp.status_code == 201, resp.text
    # Commissioning learns of the panel and its conflicts (PanelSet) through the queue.
    evaluator = sealed["principals"]["evaluator"]
    wait_until(lambda: gw.get(sealed["routes"]["list"], headers=evaluator.headers)
               .status_code == 200 and gw.get(sealed["routes"]["list"],
                                               headers=conflicted.headers).status_code == 404,
               timeout=WAIT, interval=1.0, what="PanelSet in commissioning")
    after = _statuses(gw, sealed)
    panel = (200, 200, 200, 404)  # never the price schedule
    assert after == _expect({
        "anonymous": (401,) * 4, "admin": (403,) * 4, "bidder": (200,) * 4,
        "other_bidder": nothing, "commissioner": (200,) * 4, "evaluator": panel,
        "moderator": panel, "auditor": (200,) * 4, "conflicted_evaluator": nothing,
        "foreign_commissioner": nothing, "off_panel_evaluator": nothing})
    listed = gw.get(sealed["routes"]["list"], headers=evaluator.headers).json()["items"]
    assert [d["filename"] for d in listed] == ["method-statement.txt"]
    bid = gw.get(f"/api/v1/bids/{sealed['bid']}", headers=evaluator.headers).json()
    assert "documents" not in bid["receipt"]  # no hash of the price schedule either
    owner = sealed["principals"]["commissioner"]
    assert gw.get(sealed["routes"]["prices"], headers=owner.headers).content == PRICES
