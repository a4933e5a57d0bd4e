"""Scoring runs: start one, watch its progress, read the ranking, replay, award, report."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, render_template, request, url_for

from services.gateway.entrypoints.portal import api
from services.gateway.entrypoints.portal.api import ApiProblem
from services.gateway.entrypoints.portal.blueprint import portal
from services.gateway.entrypoints.portal.charts import ranking_chart
from services.gateway.entrypoints.portal.pdf import report_pdf
from services.gateway.entrypoints.portal.views.evaluation import _name
from services.gateway.entrypoints.portal.web import FormErrors, done, login_required, problem_errors


def _names(tender_id: str | None, run: dict[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    if tender_id:
        listed = api.try_get(f"/tenders/{tender_id}/bids", {"items": []},
                             params={"limit": 200}) or {}
        for i, bid in enumerate(listed.get("items", [])):
            names[bid["id"]] = _name(bid, i)
    for i, row in enumerate(sorted(run.get("ranking") or [], key=lambda r: r.get("rank") or 0)):
        names.setdefault(row["bid_id"], row.get("organisation_name") or f"Bid {i + 1}")
    return names


@portal.route("/tenders/<tender_id>/scoring-runs", methods=["POST"])
@login_required("commissioner")
def run_start(tender_id: str):
    """Ask for a scoring run (of one lot, on a tender with lots) and go to its progress page."""
    lot_key = request.form.get("lot_key", "").strip()
    run = api.post(f"/tenders/{tender_id}/scoring-runs", {"lot_key": lot_key} if lot_key else None)
    return redirect(url_for("portal.run_show", run_id=run["run_id"], tender_id=tender_id))


@portal.route("/scoring-runs/<run_id>", methods=["GET", "POST"])
@login_required("commissioner", "auditor")
def run_show(run_id: str):
    """A run: progress (refreshes itself while queued or running), ranking, award."""
    run = api.get(f"/scoring-runs/{run_id}")
    tender_id = run.get("tender_id") or request.values.get("tender_id")
    tender = api.try_get(f"/tenders/{tender_id}", {}) if tender_id else {}
    names = _names(tender_id, run)
    errors = FormErrors()
    values = {"bid_id": "", "justification": ""}
    if request.method == "POST":  # award
        values = {"bid_id": request.form.get("bid_id", ""),
                  "justification": request.form.get("justification", "").strip()}
        if not values["bid_id"]:
            errors.add("bid_id", "Choose the bid to award")
        if not errors:
            body = {"bid_id": values["bid_id"]}
            if values["justification"]:
                body["justification"] = values["justification"]
            try:
                api.post(f"/tenders/{tender_id}/award", body)
                return done("Awarded. The standstill period has started.", "portal.tender_show",
                            tender_id=tender_id)
            except ApiProblem as exc:
                if exc.status >= 500 or exc.status == 401:
                    raise
                errors = problem_errors(exc, {"bid_id", "justification"})
    pending = run.get("status") in ("queued", "running")
    ranking = sorted(run.get("ranking") or [], key=lambda r: r.get("rank") or 0)
    return render_template("portal/run.html", title="Scoring run", run=run, tender=tender or {},
                           tender_id=tender_id, ranking=ranking, names=names, pending=pending,
                           chart=ranking_chart(ranking, names) if ranking else None,
                           errors=errors, values=values), (422 if errors else 200)


@portal.route("/scoring-runs/<run_id>/replay", methods=["POST"])
@login_required("auditor")
def run_replay(run_id: str):
    """Recompute the run from its stored inputs; it must reproduce the output hash."""
    result = api.post(f"/scoring-runs/{run_id}/replay")
    run = api.get(f"/scoring-runs/{run_id}")
    return render_template("portal/replay.html", title="Replay", run=run, result=result)


@portal.route("/scoring-runs/<run_id>/report.pdf")
@login_required("commissioner", "auditor")
def run_report_pdf(run_id: str):
    """The evaluation report as a PDF."""
    run = api.get(f"/scoring-runs/{run_id}")
    tender_id = run.get("tender_id") or request.args.get("tender_id")
    tender = api.try_get(f"/tenders/{tender_id}", {}) if tender_id else {}
    return Response(report_pdf(tender or {}, run, _names(tender_id, run)),
                    mimetype="application/pdf",
                    headers={"Content-Disposition":
                             f'attachment; filename="evaluation-report-{run_id}.pdf"'})
