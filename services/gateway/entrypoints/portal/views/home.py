"""The home page: what needs this user's attention, by role."""

from __future__ import annotations

from typing import Any

from flask import render_template, session

from services.gateway.entrypoints.portal import api
from services.gateway.entrypoints.portal.blueprint import portal
from services.gateway.entrypoints.portal.verify import verify_tree_head
from services.gateway.entrypoints.portal.web import login_required, roles

SCORING_STATES = ("closed", "evaluating")


def my_bids(tenders: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The organisation's bids: those made in this session, plus any the API lists.

    The API has no ``GET /bids``; ``GET /tenders/{id}/bids`` answers a bidder with its own
    organisation's bids, so the portal asks it for each tender on the page.
    """
    found: dict[str, dict[str, Any]] = {}
    for bid_id in session.get("bids", [])[-20:]:
        bid = api.try_get(f"/bids/{bid_id}")
        if bid:
            found[bid["id"]] = bid
    if tenders is None:
        tenders = api.items("/tenders", pages=1)
    for tender in tenders[:30]:
        try:
            listed = api.get(f"/tenders/{tender['id']}/bids", params={"limit": 50})
        except api.ApiProblem as exc:
            if exc.status in (401,) or exc.status >= 500:
                raise
            if exc.status == 403:
                break  # the gateway does not let bidders list bids: no use asking again
            continue
        for bid in listed.get("items", []):
            found[bid["id"]] = bid
    return sorted(found.values(), key=lambda b: b.get("updated_at") or "", reverse=True)


def remember_bid(bid_id: str) -> None:
    """Remember a bid made in this session (a fallback for APIs without ``GET /bids``)."""
    known = [b for b in session.get("bids", []) if b != bid_id]
    session["bids"] = (known + [bid_id])[-20:]


def owned(tender: dict[str, Any]) -> bool:
    """Whether the signed-in user's organisation owns the tender (True if the API doesn't say)."""
    org = (session.get("user") or {}).get("organisation") or {}
    for key in ("organisation_id", "owner_organisation_id", "buyer_organisation_id"):
        if tender.get(key):
            return tender[key] == org.get("id")
    buyer = tender.get("organisation") or tender.get("buyer")
    if isinstance(buyer, dict) and buyer.get("id"):
        return buyer["id"] == org.get("id")
    return True


def _commissioner() -> dict[str, Any]:
    tenders = api.items("/tenders", pages=2)
    mine = [t for t in tenders if owned(t)]
    questions = []
    for tender in [t for t in mine if t.get("status") == "published"][:20]:
        for q in api.try_get(f"/tenders/{tender['id']}/questions", {"items": []})["items"]:
            if not q.get("answer"):
                questions.append({"tender": tender, "question": q})
    return {
        "drafts": [t for t in mine if t.get("status") == "draft"],
        "published": [t for t in mine if t.get("status") == "published"],
        "to_score": [t for t in mine if t.get("status") in SCORING_STATES],
        "to_award": [t for t in mine if t.get("status") == "scored"],
        "questions": questions,
    }


def _bidder() -> dict[str, Any]:
    tenders = api.items("/tenders", pages=1)
    open_tenders = [t for t in tenders if t.get("status") == "published"]
    bids = my_bids(tenders)
    titles = {t["id"]: t for t in tenders}
    for bid in bids:
        bid["tender"] = titles.get(bid.get("tender_id")) or api.try_get(
            f"/tenders/{bid.get('tender_id')}", {})
    return {"open": open_tenders, "bids": bids}


def panel_work(tender: dict[str, Any], doc: dict[str, Any], me: str | None) -> dict | None:
    """What one panel member still has to do on one tender (None if not on its panel).

    From the evaluation document: ``conflicts_declared`` and ``my_scores`` are there only for
    panel members; ``panel.progress`` lists each bid × criterion the member may see (none
    before declaring); the moderator sees every divergence, each marked ``moderated``.
    """
    if "conflicts_declared" not in doc:
        return None  # the owner or an auditor: not panel work
    panel = doc.get("panel") or {}
    evaluator = any(e.get("user_id") == me for e in panel.get("evaluators") or [])
    moderator = bool(me) and (panel.get("moderator") or {}).get("user_id") == me
    declared = bool(doc.get("conflicts_declared"))
    mine = {(s.get("bid_id"), s.get("criterion_key")) for s in doc.get("my_scores") or []}
    scorable = (panel.get("progress") or []) if evaluator and declared else []
    to_score = [p for p in scorable if (p.get("bid_id"), p.get("criterion_key")) not in mine]
    divergences = (doc.get("divergences") or []) if moderator and declared else []
    to_moderate = [d for d in divergences if not d.get("moderated")]
    return {"tender": tender, "evaluator": evaluator, "moderator": moderator,
            "declared": declared, "bidders": len(doc.get("bidders") or []),
            "scorable": len(scorable), "to_score": to_score, "divergences": divergences,
            "to_moderate": to_moderate,
            "needs": not declared or bool(to_score) or bool(to_moderate)}


def _panel() -> dict[str, Any]:
    tenders = [t for t in api.items("/tenders", pages=2)
               if t.get("status") in SCORING_STATES + ("scored",)]
    me = (session.get("user") or {}).get("id")
    work = []
    for tender in tenders[:20]:
        doc = api.try_get(f"/tenders/{tender['id']}/evaluation")
        found = panel_work(tender, doc, me) if doc else None
        if found:
            work.append(found)
    work.sort(key=lambda w: not w["needs"])  # work waiting first (a stable sort)
    return {"work": work, "waiting": sum(1 for w in work if w["needs"])}


def recent_runs(count: int = 10) -> list[dict[str, Any]]:
    """The latest completed scoring runs, newest first, from their audit entries.

    The API lists runs only as ``scoring_run_completed`` audit events, oldest first, so the
    portal reads to the last page (bounded) and keeps the end.
    """
    found: list[dict[str, Any]] = []
    query: dict[str, Any] = {"type": "scoring_run_completed", "limit": 200}
    for _ in range(5):
        page = api.try_get("/audit/events", None, params=query)
        if not page:
            break
        found.extend(page.get("items", []))
        if not page.get("next_cursor"):
            break
        query["cursor"] = page["next_cursor"]
    runs = list(reversed(found[-count:]))
    titles: dict[str, Any] = {}
    for run in runs:
        tid = run.get("tender_id")
        if tid and tid not in titles:
            titles[tid] = api.try_get(f"/tenders/{tid}", {})
        run["tender"] = titles.get(tid) or {}
    return runs


def recent_events(head: dict[str, Any] | None, count: int = 10) -> list[dict[str, Any]]:
    """The log's last entries, newest first.

    ``GET /audit/events`` pages from the oldest entry, so the portal reads the entry ``count``
    before the signed tree head's end and asks for the entries since its time.
    """
    size = int((head or {}).get("tree_size") or 0)
    first = max(size - count, 0)
    anchor = api.try_get(f"/audit/events/{first}") if size > count else None
    params: dict[str, Any] = {"limit": count}
    if anchor and anchor.get("occurred_at"):
        params.update(since=anchor["occurred_at"], limit=200)
    rows = api.try_get("/audit/events", {"items": []}, params=params)["items"]
    if "since" in params:
        rows = [e for e in rows if int(e.get("seq", 0)) >= first]
    return sorted(rows, key=lambda e: int(e.get("seq", 0)), reverse=True)[:count]


def _auditor() -> dict[str, Any]:
    head = api.try_get("/audit/tree-head")
    key = api.try_get("/audit/public-key")
    return {"events": recent_events(head), "runs": recent_runs(), "head": head,
            "verified": verify_tree_head(head, key)}


@portal.route("/")
@login_required()
def home():
    """One home page with a section per role the user holds."""
    mine = roles()
    sections: dict[str, Any] = {}
    if "commissioner" in mine:
        sections["commissioner"] = _commissioner()
    if "bidder" in mine:
        sections["bidder"] = _bidder()
    if mine & {"evaluator", "moderator"}:
        sections["panel"] = _panel()
    if "auditor" in mine:
        sections["auditor"] = _auditor()
    return render_template("portal/home.html", title="Home", s=sections)
