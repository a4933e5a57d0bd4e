"""A bidder's sealed bid: write, submit, receipt, amend, withdraw, assessment summary."""

from __future__ import annotations

import json
import uuid

from flask import Response, render_template, request

from services.gateway.entrypoints.portal import api, bidform, defaults
from services.gateway.entrypoints.portal.api import ApiProblem
from services.gateway.entrypoints.portal.blueprint import portal
from services.gateway.entrypoints.portal.charts import depth_chart
from services.gateway.entrypoints.portal.lots_form import lot_criteria
from services.gateway.entrypoints.portal.pdf import summary_pdf
from services.gateway.entrypoints.portal.views.home import remember_bid
from services.gateway.entrypoints.portal.web import FormErrors, done, login_required


def _lot(tender: dict, bid: dict | None) -> str:
    """The lot the form is for: the bid's, else the one posted or asked for ('' if none)."""
    if bid:
        return bid.get("lot_key") or ""
    wanted = (request.form.get("lot_key") if request.method == "POST"
              else request.args.get("lot", "")) or ""
    return wanted if any(x.get("key") == wanted for x in tender.get("lots") or []) else ""


def _render(tender, values, errors, bid=None, lot_key="", shown_lot="", existing=None):
    return render_template("portal/bid_form.html",
                           title="Amend your bid" if bid else "Write your bid",
                           tender=tender, criteria=lot_criteria(tender, shown_lot or lot_key),
                           values=values, errors=errors, bid=bid, d=defaults, lot_key=lot_key,
                           shown_lot=shown_lot or lot_key, existing=existing,
                           idempotency_key=request.form.get("idempotency_key")
                           or str(uuid.uuid4())), (422 if errors else 200)


def _submit(tender: dict, bid: dict | None):
    lot_key = _lot(tender, bid)
    # The responses are those of the criteria the form showed (a lot may have its own).
    shown_lot = request.form.get("shown_lot", "") if not bid else lot_key
    body, values = bidform.parse_bid(request.form, lot_criteria(tender, shown_lot))
    if request.form.get("add_commitment"):
        return _render(tender, values, FormErrors(), bid, lot_key, shown_lot)
    errors = FormErrors()
    if tender.get("lots"):
        body["lot_key"] = lot_key
        if not lot_key:
            errors.add("lot_key", "Choose the lot you are bidding for")
        elif [c["key"] for c in lot_criteria(tender, lot_key)] != \
                [c["key"] for c in lot_criteria(tender, shown_lot)]:
            # Another lot, other criteria: show them, keeping what was written by criterion.
            errors.add("lot_key", f"Lot {lot_key} has its own award criteria: answer them "
                                  "below, then submit")
            values = dict(values, responses=bidform.bid_values(
                body, lot_criteria(tender, lot_key))["responses"])
            return _render(tender, values, errors, bid, lot_key)
    if not body["price"]["amount"]:
        errors.add("price.amount", "Enter your price")
    if not errors:
        try:
            if bid:
                saved = api.put(f"/bids/{bid['id']}", body)
            else:
                saved = api.post(f"/tenders/{tender['id']}/bids", body,
                                 headers={"Idempotency-Key": request.form["idempotency_key"]})
            remember_bid(saved["id"])
            return done(f"Bid submitted (version {saved.get('version', 1)}). Keep your receipt.",
                        "portal.bid_show", bid_id=saved["id"])
        except ApiProblem as exc:
            if exc.status >= 500 or exc.status == 401:
                raise
            found = exc.errors or {"_": [exc.message]}
            existing = None
            if exc.status == 409 and lot_key:
                # One live bid per organisation per lot: say so at the lot.
                existing = exc.problem.get("bid_id")
                found = {"lot_key": [f"Your organisation already has a bid for lot {lot_key}: "
                                     "amend that bid, or withdraw it first"]}
            mapped = bidform.remap_errors(found, body, values)
            errors = FormErrors(mapped, bidform.known_fields(values) | {"lot_key"})
            return _render(tender, values, errors, bid, lot_key, shown_lot, existing)
    return _render(tender, values, errors, bid, lot_key, shown_lot)


@portal.route("/tenders/<tender_id>/bid", methods=["GET", "POST"])
@login_required("bidder")
def bid_new(tender_id: str):
    """Write a bid criterion by criterion, then submit it."""
    tender = api.get(f"/tenders/{tender_id}")
    if request.method == "GET":
        lot_key = _lot(tender, None)
        values = bidform.bid_values(None, lot_criteria(tender, lot_key))
        return _render(tender, values, FormErrors(), lot_key=lot_key)
    return _submit(tender, None)


@portal.route("/bids/<bid_id>/edit", methods=["GET", "POST"])
@login_required("bidder")
def bid_edit(bid_id: str):
    """Amend a submitted bid before the deadline (a new version and receipt)."""
    bid = api.get(f"/bids/{bid_id}")
    tender = api.get(f"/tenders/{bid['tender_id']}")
    if request.method == "GET":
        lot_key = _lot(tender, bid)
        values = bidform.bid_values(bid, lot_criteria(tender, lot_key))
        return _render(tender, values, FormErrors(), bid, lot_key)
    return _submit(tender, bid)


@portal.route("/bids/<bid_id>")
@login_required()
def bid_show(bid_id: str):
    """A bid with its receipt (the owner) or its text (panel, after the deadline)."""
    bid = api.get(f"/bids/{bid_id}")
    tender = api.try_get(f"/tenders/{bid.get('tender_id')}", {}) or {}
    summary = None
    # a lot's bidders may read theirs once the lot is decided, before the whole tender is
    if tender.get("status") in ("awarded", "concluded") or (
            bid.get("lot_key") and tender.get("status") == "scored"):
        summary = api.try_get(f"/bids/{bid_id}/assessment-summary")
    documents = api.try_get(f"/bids/{bid_id}/documents", {"items": []})["items"]
    return render_template("portal/bid_show.html", title="Your bid", bid=bid, tender=tender,
                           summary=summary, criteria=lot_criteria(tender, bid.get("lot_key")),
                           documents=documents,
                           depth=depth_chart((bid.get("coproduction") or {}).get("stages")))


@portal.route("/bids/<bid_id>/receipt.json")
@login_required("bidder")
def bid_receipt(bid_id: str):
    """Download the receipt (bid id, version, server time, SHA-256 of the canonical body)."""
    bid = api.get(f"/bids/{bid_id}")
    receipt = {"bid_id": bid["id"], "tender_id": bid.get("tender_id"),
               "version": bid.get("version"), **(bid.get("receipt") or {})}
    return Response(json.dumps(receipt, indent=2) + "\n", mimetype="application/json",
                    headers={"Content-Disposition":
                             f'attachment; filename="receipt-{bid["id"]}-v{bid.get("version")}'
                             f'.json"'})


@portal.route("/bids/<bid_id>/withdraw", methods=["POST"])
@login_required("bidder")
def bid_withdraw(bid_id: str):
    """Withdraw the bid before the deadline."""
    api.post(f"/bids/{bid_id}/withdraw")
    return done("Your bid is withdrawn.", "portal.bid_show", bid_id=bid_id)


@portal.route("/bids/<bid_id>/summary")
@login_required()
def bid_summary(bid_id: str):
    """The assessment summary (owner after award, commissioner, auditor)."""
    summary = api.get(f"/bids/{bid_id}/assessment-summary")
    return render_template("portal/summary.html", title="Assessment summary",
                           summary=summary, bid_id=bid_id)


@portal.route("/bids/<bid_id>/summary.pdf")
@login_required()
def bid_summary_pdf(bid_id: str):
    """The assessment summary as a PDF."""
    summary = api.get(f"/bids/{bid_id}/assessment-summary")
    return Response(summary_pdf(summary, bid_id), mimetype="application/pdf",
                    headers={"Content-Disposition":
                             f'attachment; filename="assessment-summary-{bid_id}.pdf"'})
