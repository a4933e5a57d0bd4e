"""Authorization matrix after award: every role against every docs/api.md route, with real ids.

One tender is driven through the gateway (services.demo.runner.DemoRun, sandbox deadlines)
past its deadline, through panel scoring and moderation, to award. Then every route of docs/api.md's
Tenders, Bids, Evaluation and scoring, Audit and Operations tables (plus the additions of
docs/api-notes.md that have a handler) is called as every role, and the exact status is asserted.

State-changing rows are chosen so that success would not break later rows:
- the lifecycle forbids almost every write after award, so the role that passes the role and
  object checks gets the service's 409 ("allowed past the role check") — PATCH, publish,
  amend, question, answer (already answered), bid, PUT/withdraw bid (deadline), panel,
  scores, moderation, scoring run, award, cancel;
- writes that succeed are harmless: POST /tenders (a fresh draft), an empty conflict
  declaration, an auditor's replay, a requeue of a job that does not exist (404);
- cancel comes last, in case a regression lets it through.

A second table checks the same routes for callers who hold the right role but have no business
with this tender (another council's commissioner, an evaluator off the panel, panel members who
declared a conflict or nothing at all, a bidder with no bid, another council's auditor).
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from services.demo.runner import DemoRun
from shared.waiting import wait_until
from tests.security.conftest import Actor, make_staff
from tests.support.builders import bid_body, tender_body

pytestmark = [pytest.mark.security, pytest.mark.timeout(1200)]
ROLES = ("anonymous", "admin", "commissioner", "bidder", "evaluator", "moderator", "auditor")
PANEL = ("evaluator", "moderator")
WAIT = 240.0  # generous: the machine is small and busy; nothing here asserts timing

Check = Callable[[str, httpx.Response], str | None]
Row = tuple[str, str, dict | None, dict[str, int], Check | None]


def _actor(demo: DemoRun, name: str, role: str) -> Actor:
    return Actor(role, demo.users[name], demo.clients[name].token)


def _set_panel(demo: DemoRun, extra: list[str]) -> dict:
    """DemoRun.set_panel with extra evaluators; scoring may learn of the tender late."""
    body = {"evaluators": [demo.users[f"evaluator{i}"]["id"] for i in (1, 2, 3)] + extra,
            "moderator": demo.users["moderator"]["id"]}
    commissioner = demo.clients["commissioner"]
    path = f"/tenders/{demo.tender['id']}/panel"
    wait_until(lambda: commissioner.request("PUT", path, json=body, expect=(200, 404))
               .status_code == 200, timeout=WAIT, interval=1.0, what="the panel to be set")
    return body


@pytest.fixture(scope="module")
def awarded(platform, gw, admin, actors) -> dict:
    """One tender taken past its deadline to award; the ids and the principals of both tables."""
    demo = DemoRun(platform.url(), admin.token, deadline_seconds=16)
    demo.create_staff()
    demo.register_bidders()
    council = demo.users["commissioner"]["organisation"]
    conflicted = make_staff(gw, admin, council, "evaluator")
    undeclared = make_staff(gw, admin, council, "evaluator")
    tid = demo.publish_tender()["id"]
    question = demo.clarify()
    demo.submit_bids()  # what must beat the deadline goes first
    panel = _set_panel(demo, [conflicted.user["id"], undeclared.user["id"]])
    demo.wait_for_deadline()
    demo.wait_for_assessment(timeout=WAIT)
    demo.declare_conflicts()  # evaluators 1-3 and the moderator: no conflicts
    own, other = demo.bids["strong"]["id"], demo.bids["outputs"]["id"]
    resp = gw.post(f"/api/v1/tenders/{tid}/conflicts", headers=conflicted.headers, json={
        "declarations": [{"bid_id": other, "has_conflict": True,
                          "detail": "Trustee of the bidding organisation."}]})
    assert resp.status_code == 201, resp.text
    demo.score()
    demo.moderate()
    run = demo.run_scoring(timeout=WAIT)
    assert run["status"] == "completed", run
    assert demo.award()["bid_id"] == own
    demo.wait_for_status("awarded", "concluded", timeout=WAIT)
    # Commissioning learns of the panel (PanelSet) through the queue too.
    evaluator = _actor(demo, "evaluator1", "evaluator")
    wait_until(lambda: gw.get(f"/api/v1/bids/{own}", headers=evaluator.headers)
               .status_code == 200, timeout=WAIT, interval=1.0, what="PanelSet in commissioning")
    head = gw.get("/api/v1/audit/tree-head").json()
    auditor = _actor(demo, "auditor", "auditor")
    events = gw.get("/api/v1/audit/events", headers=auditor.headers,
                    params={"tender_id": tid, "limit": 1}).json()["items"]
    return {
        "tender": tid, "own_bid": own, "other_bid": other, "question": question["id"],
        "run": run["run_id"], "seq": events[0]["seq"], "tree_size": head["tree_size"],
        "bids": {bid["id"] for bid in demo.bids.values()},
        "panel": panel, "prices": [b["price"]["amount"] for b in demo.bodies.values()],
        "principals": {
            "anonymous": None, "admin": admin, "auditor": auditor, "evaluator": evaluator,
            "commissioner": _actor(demo, "commissioner", "commissioner"),
            "bidder": _actor(demo, "strong", "bidder"),
            "moderator": _actor(demo, "moderator", "moderator"),
            # the second table: right role, no business with this tender (or part of it)
            "foreign_commissioner": actors["commissioner"],
            "off_panel_evaluator": actors["evaluator"],
            "conflicted_evaluator": conflicted,
            "undeclared_evaluator": undeclared,
            "bidder_without_bid": actors["bidder"],
            "foreign_auditor": actors["auditor"],
        },
    }


# -- content checks (beyond the status) ------------------------------------------------------

def price_hidden_from(*roles: str) -> Check:
    """Bid documents carry `price` except for these roles (evaluators never see price)."""
    def check(role: str, resp: httpx.Response) -> str | None:
        doc = resp.json()
        bids = doc.get("items", [doc])
        has_price = [("price" in b) for b in bids]
        if role in roles and any(has_price):
            return "price shown"
        if role not in roles and not all(has_price):
            return "price missing"
        return None
    return check


def amounts_hidden_from(prices: list[str], *roles: str) -> Check:
    """No bid's price amount appears anywhere in the document for these roles."""
    def check(role: str, resp: httpx.Response) -> str | None:
        leaked = [p for p in prices if p in resp.text]
        return f"prices {leaked} shown" if role in roles and leaked else None
    return check


def only_bids(visible: dict[str, set[str]], key: str = "id") -> Check:
    """The listed bids (of `items`, or `bids` of an evaluation) are exactly these per role."""
    def check(role: str, resp: httpx.Response) -> str | None:
        doc = resp.json()
        got = {b[key] for b in doc.get("items", doc.get("bids", []))}
        want = visible.get(role)
        return None if want is None or got == want else f"bids {sorted(got)}, want {sorted(want)}"
    return check


def both(*checks: Check) -> Check:
    def check(role: str, resp: httpx.Response) -> str | None:
        return next((p for c in checks if (p := c(role, resp))), None)
    return check


def _codes(**codes: int) -> dict[str, int]:
    return codes


PUBLIC = dict.fromkeys(ROLES, 200)
READERS = _codes(commissioner=200, evaluator=200, moderator=200, auditor=200)


# -- the matrix of the seven roles ----------------------------------------------------------

def matrix(w: dict) -> list[Row]:
    """(method, path, body, {role: status}, check); unlisted: anonymous 401, the others 403."""
    t, a, b, q, r = w["tender"], w["own_bid"], w["other_bid"], w["question"], w["run"]
    seq, n = w["seq"], w["tree_size"]
    bid_read = {**READERS, "bidder": 200}
    score = {"criterion_key": "Q1", "score": 3, "justification": "Re-scored after award."}
    return [
        # Tenders
        ("GET", "/tenders", None, PUBLIC, None),
        ("GET", f"/tenders/{t}", None, PUBLIC, None),
        ("GET", f"/tenders/{t}/questions", None, PUBLIC,
         lambda role, resp: None if q in resp.text else "answered question missing"),
        ("POST", "/tenders", tender_body(), _codes(commissioner=201), None),
        ("PATCH", f"/tenders/{t}", {"title": "Renamed"}, _codes(commissioner=409), None),
        ("POST", f"/tenders/{t}/publish", None, _codes(commissioner=409), None),
        ("POST", f"/tenders/{t}/amendments", {"changes": {"description": "Changed."},
                                              "reason": "Late change"},
         _codes(commissioner=409), None),
        ("POST", f"/tenders/{t}/questions", {"question": "Is TUPE expected?"},
         _codes(bidder=409), None),
        ("POST", f"/tenders/{t}/questions/{q}/answer", {"answer": "Again."},
         _codes(commissioner=409), None),  # already answered
        # Bids: the bidder's own (the winner) and another organisation's
        ("POST", f"/tenders/{t}/bids", bid_body(), _codes(bidder=409), None),
        ("GET", f"/bids/{a}", None, bid_read, price_hidden_from(*PANEL)),
        ("GET", f"/bids/{b}", None, {**READERS, "bidder": 404}, price_hidden_from(*PANEL)),
        ("PUT", f"/bids/{a}", bid_body(), _codes(bidder=409), None),
        ("PUT", f"/bids/{b}", bid_body(), _codes(bidder=404), None),
        ("POST", f"/bids/{a}/withdraw", None, _codes(bidder=409), None),
        ("POST", f"/bids/{b}/withdraw", None, _codes(bidder=404), None),
        ("GET", f"/tenders/{t}/bids", None, bid_read,
         both(price_hidden_from(*PANEL), only_bids({"bidder": {a}}))),
        # Evaluation and scoring
        ("PUT", f"/tenders/{t}/panel", w["panel"], _codes(commissioner=409), None),
        # NOTE: accepted after award (no lifecycle check); an empty declaration changes nothing.
        ("POST", f"/tenders/{t}/conflicts", {"declarations": []},
         _codes(evaluator=201, moderator=201), None),
        ("GET", f"/tenders/{t}/evaluation", None, READERS,
         amounts_hidden_from(w["prices"], *PANEL)),
        ("POST", f"/tenders/{t}/bids/{a}/scores", score, _codes(evaluator=409), None),
        ("GET", f"/tenders/{t}/bids/{a}/scores", None, READERS, None),  # api-notes addition
        ("POST", f"/tenders/{t}/bids/{a}/moderation",
         {"criterion_key": "Q4", "score": 3, "rationale": "After award."},
         _codes(moderator=409), None),
        ("POST", f"/tenders/{t}/scoring-runs", None, _codes(commissioner=409), None),
        ("GET", f"/scoring-runs/{r}", None, _codes(commissioner=200, auditor=200), None),
        ("POST", f"/scoring-runs/{r}/replay", None, _codes(auditor=200),
         lambda role, resp: None if resp.json()["matches"] is True else "replay differs"),
        ("POST", f"/tenders/{t}/award", {"bid_id": a}, _codes(commissioner=409), None),
        ("GET", f"/bids/{a}/assessment-summary", None,
         _codes(bidder=200, commissioner=200, auditor=200), None),
        ("GET", f"/bids/{b}/assessment-summary", None,
         _codes(bidder=404, commissioner=200, auditor=200), None),
        # Audit
        ("GET", f"/audit/events?tender_id={t}", None, _codes(auditor=200), None),
        ("GET", f"/audit/events/{seq}", None, _codes(auditor=200), None),  # api-notes addition
        ("GET", f"/audit/events/{seq}/proof?tree_size={n}", None, _codes(auditor=200), None),
        ("GET", "/audit/tree-head", None, PUBLIC, None),
        ("GET", "/audit/tree-heads", None, PUBLIC, None),  # api-notes addition
        ("GET", "/audit/public-key", None, PUBLIC, None),
        ("GET", f"/audit/consistency?first=1&second={n}", None, PUBLIC, None),
        ("GET", "/audit/export?format=jsonl", None, _codes(auditor=200), None),
        ("GET", "/audit/export?format=csv", None, _codes(auditor=200), None),
        ("GET", f"/tenders/{t}/ocds", None, PUBLIC, None),
        # Operations
        ("GET", "/healthz", None, PUBLIC, None),
        ("GET", "/readyz", None, PUBLIC, None),
        ("GET", "/openapi.json", None, PUBLIC, None),
        ("GET", "/docs", None, PUBLIC, None),
        ("GET", "/admin/queues", None, _codes(admin=200), None),
        ("POST", "/admin/queues/failed/job_doesnotexist/requeue", None, _codes(admin=404), None),
        # Last: if a regression let it through, nothing after it would be meaningful.
        ("POST", f"/tenders/{t}/cancel", {"reason": "Changed our minds."},
         _codes(commissioner=409), None),
    ]


# -- the same roles without business with this tender ----------------------------------------

OUTSIDERS = ("foreign_commissioner", "off_panel_evaluator", "conflicted_evaluator",
             "undeclared_evaluator", "bidder_without_bid", "foreign_auditor")
EVALUATORS = ("off_panel_evaluator", "conflicted_evaluator", "undeclared_evaluator")


def outsiders(w: dict) -> list[Row]:
    """(method, path, body, {outsider: status}, check); unlisted outsiders: 403 (the role)."""
    t, a, b, q, r = w["tender"], w["own_bid"], w["other_bid"], w["question"], w["run"]
    unblocked = w["bids"] - {b}  # what the conflicted member may see
    hidden = dict(foreign_commissioner=404, off_panel_evaluator=404, bidder_without_bid=404)
    score = {"criterion_key": "Q1", "score": 3, "justification": "Re-scored after award."}
    return [
        # docs/architecture.md: "a declared conflict with a bidder blocks that bid" — in
        # commissioning's bid reads too (this matrix found them ignoring PanelSet's
        # `blocked`). A member who has not declared yet reads bids without price
        # (docs/api.md: the panel, after the deadline); scoring's own views wait for the
        # declaration.
        ("GET", f"/bids/{a}", None,
         {**hidden, "conflicted_evaluator": 200, "undeclared_evaluator": 200,
          "foreign_auditor": 200}, price_hidden_from(*EVALUATORS)),
        ("GET", f"/bids/{b}", None,
         {**hidden, "conflicted_evaluator": 404,
          "undeclared_evaluator": 200, "foreign_auditor": 200},
         price_hidden_from(*EVALUATORS)),
        ("GET", f"/tenders/{t}/bids", None,
         {**hidden, "bidder_without_bid": 200, "conflicted_evaluator": 200,
          "undeclared_evaluator": 200, "foreign_auditor": 200},
         only_bids({"bidder_without_bid": set(), "conflicted_evaluator": unblocked,
                    "undeclared_evaluator": w["bids"]})),
        ("GET", f"/tenders/{t}/evaluation", None,
         {**hidden, "bidder_without_bid": 403, "conflicted_evaluator": 200,
          "undeclared_evaluator": 200, "foreign_auditor": 200},
         only_bids({"conflicted_evaluator": unblocked, "undeclared_evaluator": set()},
                   key="bid_id")),
        ("GET", f"/tenders/{t}/bids/{b}/scores", None,
         {**hidden, "bidder_without_bid": 403, "conflicted_evaluator": 404,
          "undeclared_evaluator": 404, "foreign_auditor": 200}, None),
        ("POST", f"/tenders/{t}/bids/{b}/scores", score,
         {"off_panel_evaluator": 404, "conflicted_evaluator": 403,
          "undeclared_evaluator": 403}, None),
        ("GET", f"/scoring-runs/{r}", None,
         {"foreign_commissioner": 404, "foreign_auditor": 200}, None),
        ("POST", f"/scoring-runs/{r}/replay", None, {"foreign_auditor": 200}, None),
        ("GET", f"/bids/{a}/assessment-summary", None,
         {"foreign_commissioner": 404, "bidder_without_bid": 404, "foreign_auditor": 200}, None),
        ("GET", f"/audit/events?tender_id={t}", None, {"foreign_auditor": 200}, None),
        ("POST", f"/tenders/{t}/bids", bid_body(), {"bidder_without_bid": 409}, None),
        ("PUT", f"/bids/{a}", bid_body(), {"bidder_without_bid": 404}, None),
        ("POST", f"/bids/{a}/withdraw", None, {"bidder_without_bid": 404}, None),
        # Commissioning: the tender is public, so not-yours is 403; scoring's actions 404.
        ("PATCH", f"/tenders/{t}", {"title": "Renamed"}, {"foreign_commissioner": 403}, None),
        ("POST", f"/tenders/{t}/amendments", {"changes": {"description": "Changed."},
                                              "reason": "Late change"},
         {"foreign_commissioner": 403}, None),
        ("POST", f"/tenders/{t}/questions/{q}/answer", {"answer": "Mine."},
         {"foreign_commissioner": 403}, None),
        ("PUT", f"/tenders/{t}/panel", w["panel"], {"foreign_commissioner": 404}, None),
        ("POST", f"/tenders/{t}/scoring-runs", None, {"foreign_commissioner": 404}, None),
        ("POST", f"/tenders/{t}/award", {"bid_id": a}, {"foreign_commissioner": 404}, None),
        # Last: these could change what the rows above see.
        ("POST", f"/tenders/{t}/conflicts", {"declarations": []},
         {"off_panel_evaluator": 404, "conflicted_evaluator": 201,
          "undeclared_evaluator": 201}, None),
        ("POST", f"/tenders/{t}/cancel", {"reason": "Not mine."},
         {"foreign_commissioner": 403}, None),
    ]


def run_table(gw: httpx.Client, principals: dict, roles: tuple[str, ...],
              rows: list[Row]) -> list[str]:
    """Call every row as every role; the mismatches, one line each."""
    failures = []
    for method, path, body, allowed, check in rows:
        for role in roles:
            actor = principals[role]
            expected = allowed.get(role, 401 if actor is None else 403)
            headers = {} if actor is None else actor.headers
            resp = gw.request(method, "/api/v1" + path, headers=headers, json=body)
            problem = None
            if resp.status_code != expected:
                problem = f"expected {expected}, got {resp.status_code}"
            elif check is not None and resp.status_code < 300:
                problem = check(role, resp)
            if problem:
                failures.append(f"{method} {path} as {role}: {problem}")
    return failures


def test_every_role_against_every_route_after_award(gw, awarded):
    failures = run_table(gw, awarded["principals"], ROLES, matrix(awarded))
    assert not failures, "\n".join(failures)


def test_right_role_without_business_with_the_tender(gw, awarded):
    failures = run_table(gw, awarded["principals"], OUTSIDERS, outsiders(awarded))
    assert not failures, "\n".join(failures)
