"""Contracts: made from the award when the standstill ends, read by anyone, and the people the
commissioner invites to co-assess (reviewers) or validate (validators) its results."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.commissioning.adapters.crypto import decrypt_content, unwrap_data_key
from services.commissioning.adapters.tables import (
    Bid,
    Contract,
    ContractAssessor,
    MetricReport,
    ReportEntry,
    Tender,
)
from services.commissioning.context import Context
from services.commissioning.domain import contracts as rules
from services.commissioning.domain import rate_cards
from services.commissioning.service_layer import contract_events as events
from shared.db import transaction
from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.identity import DirectoryUser, Identity
from shared.ids import new_id
from shared.lots import criteria_of, find_lot
from shared.time import rfc3339

log = structlog.get_logger("coprocure.commissioning")


def create_contract(ctx: Context, session: Session, tender: Tender, now: datetime, *,
                    lot_key: str | None = None, bid_id: str | None = None) -> Contract | None:
    """The contract of a tender (or of one of its lots) whose standstill has just ended, in
    the caller's transaction.

    The agreed metrics are the awarded bid's outcome commitments as it submitted them, against
    its lot's criteria. An award naming a bid this service does not hold (or of another lot)
    makes no contract (logged), never a failed sweep.
    """
    bid_id = bid_id or (tender.award or {}).get("bid_id")
    bid = session.get(Bid, bid_id) if bid_id else None
    if bid is None or bid.tender_id != tender.id or bid.lot_key != lot_key:
        log.warning("contract_not_created", tender_id=tender.id, bid_id=bid_id, lot_key=lot_key)
        return None
    lot = find_lot(tender.lots, lot_key)
    key = unwrap_data_key(ctx.master_key, tender.wrapped_data_key, tender.id)
    content = json.loads(decrypt_content(key, bid.id, bid.version, bid.ciphertext))
    metrics = rules.agreed_metrics(content.get("responses") or [],
                                   criteria_of(lot, tender.criteria or []))
    start, end = rules.term(now.date(), metrics)
    # the rate card as frozen at the deadline, each priced outcome bound to its agreed metric
    card = rate_cards.bind(tender.rate_card, metrics)
    contract = Contract(
        id=new_id("ctr"), tender_id=tender.id, lot_key=lot_key, bid_id=bid.id,
        buyer_organisation_id=tender.organisation_id, buyer_name=tender.organisation_name,
        supplier_organisation_id=bid.organisation_id, supplier_name=bid.organisation_name,
        title=f"{tender.title} — {lot.get('title') or lot_key}" if lot else tender.title,
        value=content.get("price"), start_date=start, end_date=end,
        version=1, metrics=rules.with_schedules(metrics, start, end), changes=[],
        rate_card=card, created_at=now, updated_at=now)
    session.add(contract)
    # scoring keeps the public contract for the OCDS export: parties, value, term, metrics
    events.emit(session, contract, "ContractCreated", contract.id, events.SYSTEM, now,
                {"bid_id": bid.id, "lot_key": lot_key, "title": contract.title,
                 "value": contract.value,
                 "start_date": start.isoformat(), "end_date": end.isoformat(),
                 "supplier": {"organisation_id": bid.organisation_id,
                              "name": bid.organisation_name},
                 "buyer": {"organisation_id": tender.organisation_id,
                           "name": tender.organisation_name},
                 "metrics": contract.metrics, "rate_card": card})
    log.info("contract_created", tender_id=tender.id, contract_id=contract.id,
             metrics=len(metrics))
    return contract


def status_of(contract: Contract, today: date) -> str:
    """``pending`` before the start date, ``active`` during the term, ``ended`` after it."""
    if today < contract.start_date:
        return rules.PENDING
    return rules.ACTIVE if today <= contract.end_date else "ended"


def latest_reports(session: Session, contract_id: str) -> dict[tuple[str, int], MetricReport]:
    """The current version of each (metric, period) report."""
    latest: dict[tuple[str, int], MetricReport] = {}
    for r in session.scalars(select(MetricReport).where(MetricReport.contract_id == contract_id)
                             .order_by(MetricReport.version)):
        latest[(r.metric_id, r.period)] = r
    return latest


def decision_of(session: Session, report_id: str) -> ReportEntry | None:
    """The latest decision on a report version (validated, disputed or rejected)."""
    return session.scalars(select(ReportEntry).where(
        ReportEntry.report_id == report_id, ReportEntry.kind == "decision")
        .order_by(ReportEntry.seq.desc())).first()


def decided_results(session: Session, contract: Contract, period: int) -> list[dict[str, Any]]:
    """Every current report of the period that has a decision, with the decision, who made it
    and the cohort counts (what outcome payments are computed from; no person is named)."""
    out = []
    for (metric_id, p), report in sorted(latest_reports(session, contract.id).items()):
        decision = decision_of(session, report.id) if p == period else None
        if decision is not None:
            out.append({"metric_id": metric_id, "report_id": report.id,
                        "report_version": report.version, "decision": decision.verdict,
                        "decided_by": decision.author_role,
                        "people_engaged": report.people_engaged,
                        "people_with_outcome": report.people_with_outcome})
    return out


def validated_results(session: Session, contract: Contract, period: int) -> list[dict[str, Any]]:
    """The period's validated results: each metric's current report, if its latest decision
    validated it (what performance is computed from)."""
    out = []
    for (metric_id, p), report in sorted(latest_reports(session, contract.id).items()):
        decision = decision_of(session, report.id) if p == period else None
        if decision is not None and decision.verdict == "validated":
            out.append({"metric_id": metric_id, "value": report.value, "report_id": report.id,
                        "report_version": report.version})
    return out


def contract_doc(session: Session, contract: Contract, today: date) -> dict[str, Any]:
    """The public contract: parties, value, term, agreed metrics with each period's state, and
    the validated results (cohorts as counts; no person is named)."""
    latest = latest_reports(session, contract.id)
    metrics, results = [], []
    for m in contract.metrics:
        periods = [{**p, "state": rules.period_state(p, (m["id"], p["period"]) in latest, today)}
                   for p in m["schedule"]]
        metrics.append({**m, "schedule": periods})
        for p in m["schedule"]:
            report = latest.get((m["id"], p["period"]))
            decision = decision_of(session, report.id) if report else None
            if report and decision is not None and decision.verdict == "validated":
                results.append({"metric_id": m["id"], "period": p["period"],
                                "value": float(report.value), "unit": report.unit,
                                "report_id": report.id, "report_version": report.version,
                                "cohort": {"people_engaged": report.people_engaged,
                                           "people_with_outcome": report.people_with_outcome},
                                "late": report.late, "validated_at": rfc3339(decision.created_at)})
    return {
        "id": contract.id, "tender_id": contract.tender_id, "lot_key": contract.lot_key,
        "bid_id": contract.bid_id,
        "title": contract.title, "status": status_of(contract, today),
        "buyer": {"organisation_id": contract.buyer_organisation_id,
                  "name": contract.buyer_name},
        "supplier": {"organisation_id": contract.supplier_organisation_id,
                     "name": contract.supplier_name},
        "value": contract.value, "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat(), "version": contract.version,
        "grace_days": rules.GRACE_DAYS, "metrics": metrics, "changes": contract.changes,
        "rate_card": contract.rate_card,
        "results": results, "created_at": rfc3339(contract.created_at),
    }


def load_contract(session: Session, contract_id: str) -> Contract:
    """A contract (404 if absent; contracts are public)."""
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound(f"contract {contract_id} not found")
    return contract


def get_contract(ctx: Context, contract_id: str) -> dict[str, Any]:
    """The public contract document."""
    with ctx.session_factory() as session:
        return contract_doc(session, load_contract(session, contract_id), ctx.clock().date())


def get_tender_contract(ctx: Context, tender_id: str,
                        lot_key: str | None = None) -> dict[str, Any]:
    """The contract made from a tender's award, or from one lot's (404 until it is made, and
    for a lot the tender does not have). On a tender with lots the lot must be named (422
    naming ``lot_key``)."""
    with ctx.session_factory() as session:
        tender = session.get(Tender, tender_id)
        if tender is None or tender.status == "draft":
            raise NotFound(f"no contract for tender {tender_id}")
        lots = [lot["key"] for lot in tender.lots or []]
        if lots and lot_key is None:
            raise Invalid({"lot_key": ["This tender has lots: name one of "
                                       + ", ".join(lots) + "."]})
        contract = session.scalars(select(Contract).where(
            Contract.tender_id == tender_id, Contract.lot_key == lot_key)).first()
        if contract is None:
            raise NotFound(f"no contract for tender {tender_id}"
                           + (f" lot {lot_key}" if lot_key else ""))
        return contract_doc(session, contract, ctx.clock().date())


def list_tender_contracts(ctx: Context, tender_id: str) -> dict[str, Any]:
    """Every contract made from the tender's awards (one per awarded lot), in lot order."""
    with ctx.session_factory() as session:
        tender = session.get(Tender, tender_id)
        if tender is None or tender.status == "draft":
            raise NotFound(f"no published tender {tender_id}")
        order = {lot["key"]: i for i, lot in enumerate(tender.lots or [])}
        rows = session.scalars(select(Contract).where(Contract.tender_id == tender_id))
        today = ctx.clock().date()
        return {"items": [contract_doc(session, c, today) for c in
                          sorted(rows, key=lambda c: (order.get(c.lot_key, -1), c.id))]}


def is_buyer(contract: Contract, identity: Identity) -> bool:
    """A commissioner of the buying organisation."""
    return (identity.has_role("commissioner")
            and identity.organisation_id == contract.buyer_organisation_id)


def is_supplier(contract: Contract, identity: Identity) -> bool:
    """A bidder of the provider's organisation."""
    return (identity.has_role("bidder")
            and identity.organisation_id == contract.supplier_organisation_id)


def assessor_kinds(session: Session, contract: Contract, identity: Identity) -> set[str]:
    """What the caller was invited to do on this contract (``reviewer``, ``validator``)."""
    if identity.user_id is None:
        return set()
    rows = session.scalars(select(ContractAssessor.kind).where(
        ContractAssessor.contract_id == contract.id, ContractAssessor.user_id == identity.user_id))
    return {k for k in rows if identity.has_role(rules.ASSESSOR_KINDS[k])}


def assessor_doc(row: ContractAssessor) -> dict[str, Any]:
    """An invitation as the commissioner sees it."""
    return {"contract_id": row.contract_id, "user_id": row.user_id, "kind": row.kind,
            "lived_experience": row.lived_experience, "invited_at": rfc3339(row.invited_at)}


def invite_assessor(ctx: Context, identity: Identity, contract_id: str, body: dict[str, Any],
                    directory: dict[str, DirectoryUser]) -> dict[str, Any]:
    """The buyer invites a reviewer or a validator; the provider never picks its assessors."""
    with transaction(ctx.session_factory) as session:
        contract = load_contract(session, contract_id)
        if not is_buyer(contract, identity):
            raise Forbidden("Only the buying organisation's commissioners invite assessors.")
        user = directory.get(body["user_id"])
        role = rules.ASSESSOR_KINDS[body["kind"]]
        if user is None or role not in user.roles:
            raise Invalid({"user_id": [f"Not a user holding the {role} role."]})
        if user.organisation_id == contract.supplier_organisation_id:
            raise Invalid({"user_id": ["Works for the provider: the provider cannot assess "
                                       "or validate its own results."]})
        row = ContractAssessor(contract_id=contract.id, user_id=user.user_id, kind=body["kind"],
                               lived_experience=user.lived_experience,
                               invited_by=identity.user_id or "", invited_at=ctx.clock())
        session.add(row)
        try:
            session.flush()
        except IntegrityError as exc:
            raise Conflict(f"{user.user_id} is already invited as {body['kind']}.") from exc
        return assessor_doc(row)


def list_assessors(ctx: Context, identity: Identity, contract_id: str) -> dict[str, Any]:
    """The invitations of a contract (buyer and auditors)."""
    with ctx.session_factory() as session:
        contract = load_contract(session, contract_id)
        if not (is_buyer(contract, identity) or identity.has_role("auditor")):
            raise Forbidden("Only the buyer and auditors see who assesses this contract.")
        rows = session.scalars(select(ContractAssessor).where(
            ContractAssessor.contract_id == contract.id).order_by(ContractAssessor.invited_at))
        return {"items": [assessor_doc(r) for r in rows]}
