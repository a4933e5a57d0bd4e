"""The home page: what needs this user's attention, by role."""

from __future__ import annotations

from typing import Any

from flask import render_template, session

from services.gateway.portal import api
from services.gateway.portal.blueprint import portal
from services.gateway.portal.verify import verify_tree_head
from services.gateway.portal.web import login_required, roles

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


def _panel() -> dict[str, Any]:
    tenders = [t for t in api.items("/tenders", pages=2)
               if t.get("status") in SCORING_STATES + ("scored",)]
    work = []
    for tender in tenders[:20]:
        doc = api.try_get(f"/tenders/{tender['id']}/evaluation")
        if doc:
            work.append({"tender": tender, "evaluation": doc,
                         "divergences": doc.get("divergences") or []})
    return {"work": work}


def _auditor() -> dict[str, Any]:
    events = api.try_get("/audit/events", {"items": []}, params={"limit": 10})["items"]
    head = api.try_get("/audit/tree-head")
    key = api.try_get("/audit/public-key")
    return {"events": events, "head": head, "verified": verify_tree_head(head, key)}


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
