"""Contracts after award: the contract page (schedule, results, charts, ratings), the
provider's reporting form, the reviewer's page, decisions, and the auditor's rating replay."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from services.gateway.entrypoints.portal import api
from services.gateway.entrypoints.portal.api import ApiProblem
from services.gateway.entrypoints.portal.blueprint import portal
from services.gateway.entrypoints.portal.charts import metric_chart
from services.gateway.entrypoints.portal.web import (
    FormErrors,
    done,
    login_required,
    problem_errors,
    roles,
)

REPORT_FIELDS = {"metric_id", "period", "value", "unit", "cohort.people_engaged",
                 "cohort.people_with_outcome", "method", "evidence.0.description",
                 "evidence.0.url", "reason"}
STATE_TAGS = {"reported": "green", "open": "blue", "upcoming": "grey", "due": "yellow",
              "late": "red"}


def _current(reports: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    """The latest version of each (metric, period) report."""
    latest: dict[tuple[str, int], dict[str, Any]] = {}
    for r in sorted(reports, key=lambda r: r["version"]):
        latest[(r["metric_id"], r["period"])] = r
    return latest


@portal.route("/tenders/<tender_id>/contract")
def tender_contract(tender_id: str):
    """The contract made from a tender's award."""
    contract = api.get(f"/tenders/{tender_id}/contract")
    return redirect(url_for("portal.contract_show", contract_id=contract["id"]))


@portal.route("/contracts/<contract_id>")
def contract_show(contract_id: str):
    """Parties, term, agreed metrics with their schedule, results, charts and ratings."""
    contract = api.get(f"/contracts/{contract_id}")
    performance = api.try_get(f"/contracts/{contract_id}/performance", {}) or {}
    payments = api.try_get(f"/contracts/{contract_id}/payments", {}) if contract.get(
        "rate_card") else {}
    reports = (api.try_get(f"/contracts/{contract_id}/reports", {}) or {}).get("items", [])
    current = _current(reports)
    validated = {(r["metric_id"], r["period"]): r["value"] for r in contract["results"]}
    charts = {m["id"]: metric_chart(
        m, {p: r["value"] for (mid, p), r in current.items() if mid == m["id"]},
        {p: v for (mid, p), v in validated.items() if mid == m["id"]})
        for m in contract["metrics"]}
    return render_template("portal/contract.html", title=contract["title"], contract=contract,
                           performance=performance, payments=payments or {},
                           reports=reports, current=current,
                           charts=charts, state_tags=STATE_TAGS, roles=roles())


def _report_body(form) -> dict[str, Any]:
    def number(name: str) -> Any:
        raw = form.get(name, "").strip()
        try:
            return float(raw) if "." in raw else int(raw)
        except ValueError:
            return raw or None
    body = {"metric_id": form.get("metric_id", ""), "period": number("period"),
            "value": number("value"), "unit": form.get("unit", ""),
            "cohort": {"people_engaged": number("cohort.people_engaged"),
                       "people_with_outcome": number("cohort.people_with_outcome")},
            "method": form.get("method", "").strip()}
    if form.get("evidence.0.description", "").strip():
        body["evidence"] = [{"description": form["evidence.0.description"].strip(),
                             "url": form.get("evidence.0.url", "").strip() or None}]
    if form.get("reason", "").strip():
        body["reason"] = form["reason"].strip()
    return body


@portal.route("/contracts/<contract_id>/report", methods=["GET", "POST"])
@login_required("bidder")
def contract_report(contract_id: str):
    """The provider's reporting form: one metric, one period, figures, cohort and evidence."""
    contract = api.get(f"/contracts/{contract_id}")
    errors = FormErrors()
    values: dict[str, Any] = {"metric_id": request.args.get("metric_id", ""),
                              "period": request.args.get("period", "")}
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            api.post(f"/contracts/{contract_id}/reports", _report_body(request.form))
            return done("Report submitted.", "portal.contract_show", contract_id=contract_id)
        except ApiProblem as exc:
            if exc.status >= 500 or exc.status == 401:
                raise
            errors = problem_errors(exc, REPORT_FIELDS)
    return render_template("portal/contract_report.html", title="Report a result",
                           contract=contract, values=values, errors=errors), \
        (422 if errors else 200)


@portal.route("/reports/<report_id>/review", methods=["GET", "POST"])
@login_required("reviewer")
def report_review(report_id: str):
    """The reviewer's page: what the provider says, in plain words, and your view of it."""
    contract_id = request.values.get("contract_id", "")
    contract = api.get(f"/contracts/{contract_id}")
    reports = api.get(f"/contracts/{contract_id}/reports")["items"]
    report = next((r for r in reports if r["id"] == report_id), None)
    if report is None:
        raise ApiProblem(404, {"title": "Not found", "detail": "No such report."})
    metric = next(m for m in contract["metrics"] if m["id"] == report["metric_id"])
    errors = FormErrors()
    values = {"verdict": "", "comment": ""}
    if request.method == "POST":
        values = {"verdict": request.form.get("verdict", ""),
                  "comment": request.form.get("comment", "").strip()}
        if values["verdict"] not in ("agree", "partly", "disagree"):
            errors.add("verdict", "Choose whether you agree, partly agree or disagree")
        if not values["comment"]:
            errors.add("comment", "Tell us why, in your own words")
        if not errors:
            try:
                api.post(f"/reports/{report_id}/reviews", values)
                return done("Thank you. Your view is recorded beside the provider's figures.",
                            "portal.contract_show", contract_id=contract_id)
            except ApiProblem as exc:
                if exc.status >= 500 or exc.status == 401:
                    raise
                errors = problem_errors(exc, {"verdict", "comment"})
    return render_template("portal/review.html", title="Your view of a result",
                           contract=contract, report=report, metric=metric, values=values,
                           errors=errors), (422 if errors else 200)


@portal.route("/reports/<report_id>/decide", methods=["POST"])
@login_required("commissioner", "validator")
def report_decide(report_id: str):
    """Validate, dispute or reject a result (buyer or invited validator)."""
    contract_id = request.form.get("contract_id", "")
    body = {"decision": request.form.get("decision", "")}
    if request.form.get("reason", "").strip():
        body["reason"] = request.form["reason"].strip()
    try:
        api.post(f"/reports/{report_id}/decisions", body)
        return done(f"Result {body['decision']}.", "portal.contract_show",
                    contract_id=contract_id)
    except ApiProblem as exc:
        if exc.status >= 500 or exc.status == 401:
            raise
        flash(f"Not recorded: {exc.message}", "error")
        return redirect(url_for("portal.contract_show", contract_id=contract_id))


@portal.route("/performance-ratings/<rating_id>/replay", methods=["POST"])
@login_required("auditor")
def rating_replay(rating_id: str):
    """Recompute a rating from its frozen inputs; it must match the audit log's hashes."""
    result = api.post(f"/performance-ratings/{rating_id}/replay")
    return render_template("portal/rating_replay.html", title="Replay of a rating",
                           result=result, contract_id=request.form.get("contract_id", ""))
