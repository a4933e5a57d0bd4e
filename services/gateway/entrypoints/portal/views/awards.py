"""Award by lot (issue 17): each lot's status and latest ranking, a scoring run, an award or
closing the lot unawarded. A tender without lots keeps the award form on its run's page."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from services.gateway.entrypoints.portal import api
from services.gateway.entrypoints.portal.api import ApiProblem
from services.gateway.entrypoints.portal.blueprint import portal
from services.gateway.entrypoints.portal.views.runs import _names
from services.gateway.entrypoints.portal.web import FormErrors, done, login_required


def lot_field(action: str, lot_key: str | None, name: str) -> str:
    """A per-lot form field's name: ``award.NORTH.bid_id``, ``no_award.NORTH.justification``."""
    return f"{action}.{lot_key or '-'}.{name}"


def _decisions(tender_id: str) -> list[dict[str, Any]]:
    """Each lot's decision with its latest completed run (None when there is none)."""
    items = api.get(f"/tenders/{tender_id}/awards").get("items", [])
    for item in items:
        run_id = item.get("latest_run_id")
        run = api.try_get(f"/scoring-runs/{run_id}") if run_id else None
        item["run"] = run
        item["ranking"] = sorted((run or {}).get("ranking") or [],
                                 key=lambda r: r.get("rank") or 0)
    return items


def _decide(tender_id: str, action: str, lot_key: str, values: dict[str, str]) -> FormErrors:
    """Award a lot's bid, or close the lot unawarded; the form's errors (none: done)."""
    errors = FormErrors()
    justification = values[lot_field(action, lot_key, "justification")]
    if action == "award":
        bid_id = values[lot_field(action, lot_key, "bid_id")]
        if not bid_id:
            errors.add(lot_field(action, lot_key, "bid_id"), "Choose the bid to award")
        body = {"bid_id": bid_id, **({"justification": justification} if justification else {})}
        path = f"/tenders/{tender_id}/award"
    else:
        if not justification:
            errors.add(lot_field(action, lot_key, "justification"),
                       f"Explain why lot {lot_key} is not awarded")
        body = {"justification": justification}
        path = f"/tenders/{tender_id}/lots/{lot_key}/no-award"
    if errors:
        return errors
    try:
        api.post(path, body)
    except ApiProblem as exc:
        if exc.status >= 500 or exc.status == 401:
            raise
        found = exc.errors or {"_": [exc.message]}
        # The API names its own fields; the form's are per lot.
        return FormErrors({(lot_field(action, lot_key, k) if k in ("bid_id", "justification")
                            else k): v for k, v in found.items()}, set(values))
    return FormErrors()


@portal.route("/tenders/<tender_id>/award", methods=["GET", "POST"])
@login_required("commissioner", "auditor")
def award_show(tender_id: str):
    """Each lot: its status, latest ranking, and (for the owner) run, award or close it."""
    tender = api.get(f"/tenders/{tender_id}")
    values: dict[str, str] = {}
    errors = FormErrors()
    if request.method == "POST":
        action = request.form.get("action", "")
        lot_key = request.form.get("lot_key", "")
        if action not in ("award", "no_award") or (action == "no_award" and not lot_key):
            errors.add("_", "Choose what to do")
        else:
            for name in ("bid_id", "justification"):
                field = lot_field(action, lot_key, name)
                values[field] = request.form.get(field, "").strip()
            errors = _decide(tender_id, action, lot_key, values)
            if not errors:
                said = (f"Lot {lot_key} awarded. Its standstill period has started." if lot_key
                        else "Awarded. The standstill period has started.")
                if action == "no_award":
                    said = f"Lot {lot_key} is closed without an award."
                return done(said, "portal.award_show", tender_id=tender_id)
    decisions = _decisions(tender_id)
    names: dict[str, str] = {}
    for item in decisions:
        if item["run"]:
            names.update(_names(tender_id, item["run"]))
    lots = {lot["key"]: lot for lot in tender.get("lots") or []}
    contracts = api.try_get(f"/tenders/{tender_id}/contracts", {"items": []}) or {}
    by_lot = {c.get("lot_key"): c for c in contracts.get("items", [])}
    return render_template("portal/award.html", title="Award by lot", tender=tender,
                           decisions=decisions, lots=lots, names=names, contracts=by_lot,
                           values=values, errors=errors, lot_field=lot_field), \
        (422 if errors else 200)
