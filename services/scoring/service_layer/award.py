"""Award from the latest completed scoring run, per tender or per lot; closing a lot
unawarded; and the standstill clock."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.scoring.adapters import audit_events as events
from services.scoring.adapters.outbox import emit_result
from services.scoring.adapters.tables.runs import (
    COMPLETED,
    DECISION_AWARDED,
    DECISION_UNAWARDED,
    QUEUED,
    RUNNING,
    WHOLE_TENDER,
    Award,
    ScoringRun,
)
from services.scoring.adapters.tables.tenders import AWARDED, EVALUATING, SCORED, Bid, Tender
from services.scoring.domain.standstill import add_working_days
from services.scoring.service_layer.access import (
    get_tender,
    load_panel,
    not_found,
    owned_tender,
    viewer,
)
from services.scoring.service_layer.uow import unit_of_work
from shared.errors import Conflict, Invalid
from shared.identity import Identity
from shared.time import rfc3339

if TYPE_CHECKING:
    from services.scoring.context import Context


def latest_completed_run(session: Session, tender_id: str,
                         lot_key: str | None = None) -> ScoringRun | None:
    """The most recent completed run of the tender or lot (the one an award rests on)."""
    return session.scalars(select(ScoringRun).where(
        ScoringRun.tender_id == tender_id, ScoringRun.lot_key == lot_key,
        ScoringRun.status == COMPLETED)
        .order_by(ScoringRun.completed_at.desc(), ScoringRun.created_at.desc())).first()


def decision_of(session: Session, tender_id: str, lot_key: str | None) -> Award | None:
    """The award decision of the tender (lot_key None) or of one lot, if made."""
    return session.get(Award, (tender_id, lot_key or WHOLE_TENDER))


def is_decided(session: Session, tender_id: str, lot_key: str | None) -> bool:
    """Whether the tender (or the lot) has been awarded or closed unawarded."""
    return decision_of(session, tender_id, lot_key) is not None


def award_document(award: Award) -> dict[str, Any]:
    """The API shape of an award."""
    return {"tender_id": award.tender_id, "lot_key": award.lot, "bid_id": award.bid_id,
            "run_id": award.run_id, "awarded_at": rfc3339(award.awarded_at),
            "standstill_ends_at": rfc3339(award.standstill_ends_at),
            "justification": award.justification}


def standstill_days(tender: Tender, sandbox: bool) -> int:
    """Working days of standstill for this tender (0 in the sandbox)."""
    return 0 if sandbox else int(tender.evaluation.get("standstill_working_days") or 0)


def _complete_when_every_lot_decided(session: Session, tender: Tender) -> bool:
    """The tender is awarded once its one decision (no lots) or every lot's is made."""
    session.flush()
    decided = set(session.scalars(select(Award.lot_key).where(Award.tender_id == tender.id)))
    if decided >= (set(tender.lot_keys) or {WHOLE_TENDER}):
        tender.status = AWARDED
    return tender.status == AWARDED


def award(ctx: Context, identity: Identity, tender_id: str,
          body: dict[str, Any]) -> dict[str, Any]:
    """Award a passing bid of the latest completed run of its lot (owner commissioner)."""
    try:
        with unit_of_work(ctx) as session:
            tender = owned_tender(session, identity, tender_id)
            bid = session.get(Bid, body["bid_id"])
            ours = bid is not None and bid.tender_id == tender.id
            if tender.lot_keys and not ours:
                raise Invalid({"bid_id": ["Not a bid of this tender."]})
            lot_key = bid.lot_key if ours else None
            what = f"Lot {lot_key}" if lot_key else "This tender"
            if tender.status == AWARDED or is_decided(session, tender.id, lot_key):
                raise Conflict(f"{what} has already been awarded.")
            run = latest_completed_run(session, tender.id, lot_key)
            if tender.status != SCORED or run is None:
                raise Conflict(f"The tender is {tender.status}; {what.lower()} needs a "
                               "completed scoring run before award.")
            pending = session.scalars(select(ScoringRun.id).where(
                ScoringRun.tender_id == tender.id, ScoringRun.lot_key == lot_key,
                ScoringRun.status.in_((QUEUED, RUNNING)),
                ScoringRun.created_at > run.created_at).limit(1)).first()
            if pending:  # the commissioner asked for a newer result: award on that, not this
                raise Conflict(f"Scoring run {pending} is still in progress; "
                               "award once it completes.")
            ranking = run.output["ranking"]
            entry = next((r for r in ranking if r["bid_id"] == body["bid_id"]), None)
            if entry is None:
                raise Invalid({"bid_id": [
                    f"Not a bid ranked in the latest scoring run {run.id}."]})
            if not entry["passed"]:
                raise Conflict("This bid failed the tender's thresholds and can "
                               "never be awarded: " + "; ".join(entry.get("failures") or []))
            justification = (body.get("justification") or "").strip() or None
            top = next((r for r in ranking if r["passed"]), None)
            if top is not None and top["bid_id"] != entry["bid_id"] and not justification:
                raise Invalid({"justification": [
                    f"Required to award a bid ranked {entry['rank']} rather than the "
                    f"top-ranked bid {top['bid_id']}."]})
            now = ctx.clock()
            row = Award(tender_id=tender.id, lot_key=lot_key or WHOLE_TENDER,
                        outcome=DECISION_AWARDED, bid_id=entry["bid_id"], run_id=run.id,
                        justification=justification, awarded_by=identity.user_id,
                        awarded_at=now, standstill_ends_at=add_working_days(
                            now, standstill_days(tender, ctx.sandbox)))
            session.add(row)
            complete = _complete_when_every_lot_decided(session, tender)
            doc = award_document(row)
            events.record(session, event_type=events.BID_AWARDED, tender_id=tender.id,
                          object_type="bid", object_id=row.bid_id,
                          **events.actor_of(identity, "commissioner"),
                          payload={**doc, "rank": entry["rank"],
                                   "run_output_sha256": run.output_sha256},
                          occurred_at=now, model_version=run.model_version,
                          inputs_sha256=run.input_sha256, score=entry["total"])
            data = {k: doc[k] for k in ("bid_id", "run_id", "justification", "awarded_at",
                                        "standstill_ends_at")}
            if lot_key:
                data |= {"lot_key": lot_key, "tender_awarded": complete}
            emit_result(session, event_type="BidAwarded", tender_id=tender.id,
                        event_id=f"BidAwarded-{run.id}", data=data)
    except IntegrityError as exc:
        raise Conflict("This tender (or lot) has already been awarded.") from exc
    return doc


def close_unawarded(ctx: Context, identity: Identity, tender_id: str, lot_key: str,
                    justification: str) -> dict[str, Any]:
    """Close one lot without an award, with the reason (owner commissioner): no bid, none
    passing, or none the commissioner can accept. The reason is public in the audit log."""
    try:
        with unit_of_work(ctx) as session:
            tender = owned_tender(session, identity, tender_id)
            if lot_key not in tender.lot_keys:
                raise not_found("lot")
            decided = is_decided(session, tender.id, lot_key)
            if decided or tender.status not in (EVALUATING, SCORED):
                detail = (f"lot {lot_key} has already been decided" if decided
                          else f"the tender is {tender.status}")
                raise Conflict(f"The lot cannot be closed unawarded: {detail}.")
            now = ctx.clock()
            row = Award(tender_id=tender.id, lot_key=lot_key, outcome=DECISION_UNAWARDED,
                        justification=justification.strip(), awarded_by=identity.user_id,
                        awarded_at=now)
            session.add(row)
            complete = _complete_when_every_lot_decided(session, tender)
            doc = {"tender_id": tender.id, "lot_key": lot_key, "decided_at": rfc3339(now),
                   "justification": row.justification}
            events.record(session, event_type=events.LOT_NOT_AWARDED, tender_id=tender.id,
                          object_type="lot", object_id=lot_key,
                          **events.actor_of(identity, "commissioner"), payload=doc,
                          occurred_at=now)
            emit_result(session, event_type="LotNotAwarded", tender_id=tender.id,
                        event_id=f"LotNotAwarded-{tender.id}-{lot_key}",
                        data={**doc, "tender_awarded": complete})
    except IntegrityError as exc:
        raise Conflict(f"Lot {lot_key} has already been decided.") from exc
    return doc


def _status(lot_key: str | None, title: str | None, decision: Award | None,
            latest: ScoringRun | None) -> dict[str, Any]:
    doc: dict[str, Any] = {"lot_key": lot_key, "title": title, "status": "pending",
                           "bid_id": None, "run_id": None, "awarded_at": None,
                           "standstill_ends_at": None, "justification": None,
                           "latest_run_id": latest.id if latest else None}
    if decision is not None:
        doc |= {k: v for k, v in award_document(decision).items() if k != "tender_id"}
        doc["status"] = decision.outcome
    return doc


def award_statuses(ctx: Context, identity: Identity, tender_id: str) -> dict[str, Any]:
    """Each lot's decision, and its latest completed run (owner commissioner, auditor)."""
    with ctx.session_factory() as session:
        tender = get_tender(session, tender_id)
        who = viewer(identity, tender, load_panel(session, tender.id))
        if not (who.owner or who.auditor):
            raise not_found()
        lots = [(lot["key"], lot.get("title")) for lot in tender.frozen.get("lots") or []]
        return {"items": [
            _status(key, title, decision_of(session, tender.id, key),
                    latest_completed_run(session, tender.id, key))
            for key, title in lots or [(None, None)]]}
