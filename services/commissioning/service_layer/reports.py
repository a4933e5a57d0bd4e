"""Results against a contract's agreed metrics: the provider's reports (corrected only by new
versions), the reviewers' co-assessment, and the buyer's or validator's decision on each."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.commissioning.adapters.outbox import emit_notification, send_events_now
from services.commissioning.adapters.tables import (
    Contract,
    ContractAssessor,
    MetricReport,
    ReportEntry,
    Tender,
)
from services.commissioning.context import Context
from services.commissioning.domain import contracts as rules
from services.commissioning.service_layer import contract_events as events
from services.commissioning.service_layer.contracts import (
    assessor_kinds,
    decided_results,
    decision_of,
    is_buyer,
    is_supplier,
    load_contract,
    validated_results,
)
from shared.db import transaction
from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.identity import Identity
from shared.ids import new_id
from shared.time import rfc3339


def entry_doc(e: ReportEntry, show_author: bool) -> dict[str, Any]:
    """A review, decision or reply; reviewers' ids only for the buyer and auditors."""
    doc = {"id": e.id, "kind": e.kind, "verdict": e.verdict, "comment": e.comment,
           "author_role": e.author_role, "created_at": rfc3339(e.created_at)}
    if show_author:
        doc["author_id"] = e.author_id
    return doc


def report_doc(session: Session, r: MetricReport, show_authors: bool) -> dict[str, Any]:
    """A report version with everything said about it, in order."""
    entries = session.scalars(select(ReportEntry).where(ReportEntry.report_id == r.id)
                              .order_by(ReportEntry.seq))
    decision = decision_of(session, r.id)
    return {"id": r.id, "contract_id": r.contract_id, "metric_id": r.metric_id,
            "period": r.period, "version": r.version, "supersedes": r.supersedes,
            "value": float(r.value), "unit": r.unit,
            "cohort": {"people_engaged": r.people_engaged,
                       "people_with_outcome": r.people_with_outcome},
            "method": r.method, "evidence": r.evidence, "reason": r.reason, "late": r.late,
            "submitted_at": rfc3339(r.submitted_at),
            "status": decision.verdict if decision else "submitted",
            "entries": [entry_doc(e, show_authors) for e in entries]}


def _metric_and_period(contract: Contract, metric_id: str, period: int
                       ) -> tuple[dict[str, Any], dict[str, Any]]:
    metric = next((m for m in contract.metrics if m["id"] == metric_id), None)
    if metric is None:
        raise Invalid({"metric_id": [f"Not an agreed metric of contract {contract.id}."]})
    found = next((p for p in metric["schedule"] if p["period"] == period), None)
    if found is None:
        raise Invalid({"period": [f"Outside the contract: {metric_id} has periods "
                                  f"1 to {len(metric['schedule'])}."]})
    return metric, found


def submit_report(ctx: Context, identity: Identity, contract_id: str,
                  body: dict[str, Any]) -> dict[str, Any]:
    """The provider reports one metric for one period; a second report is a new version."""
    now = ctx.clock()
    with transaction(ctx.session_factory) as session:
        contract = load_contract(session, contract_id)
        if not is_supplier(contract, identity):
            raise Forbidden("Only the provider's organisation reports on this contract.")
        metric, period = _metric_and_period(contract, body["metric_id"], body["period"])
        if not ctx.sandbox and now.date().isoformat() < period["start"]:
            raise Invalid({"period": [f"Period {period['period']} starts on "
                                      f"{period['start']}; report once it has begun."]})
        value = Decimal(str(body["value"]))
        cohort = body["cohort"]
        problems = rules.check_figures((metric.get("indicator") or {}).get("unit", ""), value,
                                       body["unit"], cohort["people_engaged"],
                                       cohort["people_with_outcome"])
        if problems:
            raise Invalid({p.field: [p.message] for p in problems})
        previous = session.scalars(select(MetricReport).where(
            MetricReport.contract_id == contract.id, MetricReport.metric_id == metric["id"],
            MetricReport.period == period["period"])
            .order_by(MetricReport.version.desc())).first()
        if previous is not None and not (body.get("reason") or "").strip():
            raise Invalid({"reason": [f"Period {period['period']} of {metric['id']} was "
                                      "reported already: say why this corrects it."]})
        report = MetricReport(
            id=new_id("rpt"), contract_id=contract.id, metric_id=metric["id"],
            period=period["period"], version=(previous.version + 1) if previous else 1,
            supersedes=previous.id if previous else None, value=str(value), unit=body["unit"],
            people_engaged=cohort["people_engaged"],
            people_with_outcome=cohort["people_with_outcome"], method=body["method"],
            evidence=body.get("evidence") or [], reason=body.get("reason"),
            late=rules.is_late(period, now), submitted_by=identity.user_id or "",
            submitted_at=now)
        session.add(report)
        try:
            session.flush()
        except IntegrityError as exc:  # a concurrent correction took this version number
            raise Conflict("Another version of this report was just submitted.") from exc
        job = events.emit(session, contract, "ReportSubmitted", report.id,
                          events.actor(identity, "provider"), now, {
                              "report_id": report.id, "metric_id": report.metric_id,
                              "period": report.period, "version": report.version,
                              "supersedes": report.supersedes, "value": report.value,
                              "unit": report.unit, "late": report.late,
                              "cohort": cohort}, period=report.period)
        jobs = [job, *_tell_reviewers(session, contract, report)]
        doc = report_doc(session, report, show_authors=False)
    send_events_now(ctx, jobs)
    return doc


def _tell_reviewers(session: Session, contract: Contract, report: MetricReport) -> list[str]:
    """The invited reviewers hear of each new version (ids only: they read it in the portal)."""
    reviewers = sorted(set(session.scalars(select(ContractAssessor.user_id).where(
        ContractAssessor.contract_id == contract.id, ContractAssessor.kind == "reviewer"))))
    if not reviewers:
        return []
    tender = session.get(Tender, contract.tender_id)
    return [emit_notification(session, tender, "ReportToAssess", f"report-{report.id}", {
        "key": f"report-{report.id}", "user_ids": reviewers, "contract_id": contract.id,
        "metric_id": report.metric_id, "period": report.period})]


def list_reports(ctx: Context, identity: Identity, contract_id: str) -> dict[str, Any]:
    """Every report version with its reviews and decisions (parties, assessors, auditors)."""
    with ctx.session_factory() as session:
        contract = load_contract(session, contract_id)
        buyer_or_auditor = is_buyer(contract, identity) or identity.has_role("auditor")
        if not (buyer_or_auditor or is_supplier(contract, identity)
                or assessor_kinds(session, contract, identity)):
            raise Forbidden("Only the parties, invited assessors and auditors read reports.")
        rows = session.scalars(select(MetricReport).where(MetricReport.contract_id == contract.id)
                               .order_by(MetricReport.metric_id, MetricReport.period,
                                         MetricReport.version))
        return {"items": [report_doc(session, r, buyer_or_auditor) for r in rows]}


def _load_report(session: Session, report_id: str) -> tuple[MetricReport, Contract]:
    report = session.get(MetricReport, report_id)
    if report is None:
        raise NotFound(f"report {report_id} not found")
    return report, load_contract(session, report.contract_id)


def _add(ctx: Context, session: Session, report: MetricReport, identity: Identity, kind: str,
         verdict: str | None, comment: str, role: str) -> tuple[dict[str, Any], str]:
    seq = 1 + (session.scalar(select(func.max(ReportEntry.seq)).where(
        ReportEntry.report_id == report.id)) or 0)
    session.add(ReportEntry(id=new_id("rpe"), report_id=report.id, seq=seq, kind=kind,
                            verdict=verdict, comment=comment, author_id=identity.user_id or "",
                            author_role=role, created_at=ctx.clock()))
    try:
        session.flush()
    except IntegrityError as exc:  # someone else spoke on this report at the same moment
        raise Conflict("The report changed while you were writing; reload and try again.") from exc
    contract = session.get(Contract, report.contract_id)
    event_type = {"review": "ReportReviewed", "decision": "ResultDecided",
                  "reply": "DisputeReplied"}[kind]
    decision = kind == "decision"
    validated = validated_results(session, contract, report.period) if decision else None
    decided = decided_results(session, contract, report.period) if decision else None
    job = events.emit(session, contract, event_type, f"{report.id}-{seq}",
                      events.actor(identity, role), ctx.clock(), {
                          "report_id": report.id, "metric_id": report.metric_id,
                          "period": report.period, "version": report.version,
                          "verdict": verdict, "comment_sha256": events.comment_hash(comment)},
                      period=report.period, validated=validated, decisions=decided)
    return report_doc(session, report, show_authors=False), job


def _is_current(session: Session, report: MetricReport) -> None:
    newer = session.scalars(select(MetricReport.id).where(
        MetricReport.supersedes == report.id)).first()
    if newer:
        raise Conflict(f"Report {report.id} was corrected by {newer}; assess that version.")


def review(ctx: Context, identity: Identity, report_id: str,
           body: dict[str, Any]) -> dict[str, Any]:
    """An invited reviewer's co-assessment: agree, partly or disagree, with a comment."""
    with transaction(ctx.session_factory) as session:
        report, contract = _load_report(session, report_id)
        if "reviewer" not in assessor_kinds(session, contract, identity):
            raise Forbidden("Only reviewers the commissioner invited to this contract review.")
        _is_current(session, report)
        doc, job = _add(ctx, session, report, identity, "review", body["verdict"],
                        body["comment"], "reviewer")
    send_events_now(ctx, [job])
    return doc


def decide(ctx: Context, identity: Identity, report_id: str,
           body: dict[str, Any]) -> dict[str, Any]:
    """The buyer or an invited validator validates, disputes or rejects a result."""
    with transaction(ctx.session_factory) as session:
        report, contract = _load_report(session, report_id)
        if identity.organisation_id == contract.supplier_organisation_id:
            raise Forbidden("The provider cannot validate its own results.")
        validator = "validator" in assessor_kinds(session, contract, identity)
        if not (is_buyer(contract, identity) or validator):
            raise Forbidden("Only the buyer or an invited validator decides on a result.")
        _is_current(session, report)
        reason = (body.get("reason") or "").strip()
        if body["decision"] != "validated" and not reason:
            raise Invalid({"reason": [f"Required to mark a result {body['decision']}."]})
        doc, job = _add(ctx, session, report, identity, "decision", body["decision"], reason,
                        "validator" if validator else "commissioner")
    send_events_now(ctx, [job])
    return doc


def reply(ctx: Context, identity: Identity, report_id: str,
          body: dict[str, Any]) -> dict[str, Any]:
    """The provider answers a dispute on one of its results."""
    with transaction(ctx.session_factory) as session:
        report, contract = _load_report(session, report_id)
        if not is_supplier(contract, identity):
            raise Forbidden("Only the provider replies to a dispute.")
        decision = decision_of(session, report.id)
        if decision is None or decision.verdict != "disputed":
            raise Conflict("Only a disputed result can be replied to.")
        doc, job = _add(ctx, session, report, identity, "reply", None, body["comment"],
                        "provider")
    send_events_now(ctx, [job])
    return doc
