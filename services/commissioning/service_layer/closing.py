"""Closing at the deadline (opening the sealed bids), scoring results, and concluding."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.commissioning.adapters.crypto import decrypt_content, unwrap_data_key
from services.commissioning.adapters.outbox import (
    emit_notification,
    emit_tender_closed,
    send_events_now,
    unsent_job_ids,
)
from services.commissioning.adapters.tables import Bid, ProcessedEvent, Tender
from services.commissioning.context import Context
from services.commissioning.domain import lifecycle
from services.commissioning.domain.bids import SUBMITTED
from services.commissioning.domain.lifecycle import IllegalTransition, is_terminal, next_state
from services.commissioning.domain.lots import next_standstill, pending_standstills
from services.commissioning.service_layer.contracts import create_contract
from services.commissioning.service_layer.documents import bid_documents, receipt_entry
from services.commissioning.service_layer.read_models import tender_doc
from shared.canonical import canonical_sha256
from shared.contracts import SCHEMA_VERSION, ScoringResult, load_payload, snapshot_pages
from shared.db import transaction
from shared.lots import find_lot
from shared.time import parse_rfc3339, rfc3339

log = structlog.get_logger("coprocure.commissioning")
BATCH = 100
# A tender with lots may have a lot's standstill running while other lots are still scored.
STANDSTILL_STATES = (lifecycle.AWARDED, lifecycle.SCORED)


def open_bids(ctx: Context, session: Session, tender: Tender) -> list[dict[str, Any]]:
    """Decrypt every submitted bid of the tender, in submission order."""
    key = unwrap_data_key(ctx.master_key, tender.wrapped_data_key, tender.id)
    bids = list(session.scalars(select(Bid).where(Bid.tender_id == tender.id,
                                                  Bid.status == SUBMITTED)
                                .order_by(Bid.created_at, Bid.id)))
    documents = bid_documents(session, [bid.id for bid in bids])
    opened = []
    for bid in bids:
        content = json.loads(decrypt_content(key, bid.id, bid.version, bid.ciphertext))
        item = {"bid_id": bid.id, "organisation_id": bid.organisation_id,
                "organisation_name": bid.organisation_name, "version": bid.version,
                "tender_version": bid.tender_version, "submitted_at": rfc3339(bid.submitted_at),
                "content_sha256": bid.content_sha256, "content": content}
        if bid.lot_key is not None:
            item["lot_key"] = bid.lot_key
        if documents.get(bid.id):  # each document's hash goes to the audit log at opening
            item["documents"] = [receipt_entry(d) for d in documents[bid.id]]
        opened.append(item)
    return opened


def close_tender(ctx: Context, tender_id: str, now: datetime) -> str | None:
    """Close one tender whose deadline has passed, open its bids and emit TenderClosed.

    Returns the TenderClosed job id, or None if there was nothing to close.
    """
    with transaction(ctx.session_factory) as session:
        tender = session.scalars(select(Tender).where(Tender.id == tender_id)
                                 .with_for_update()).first()
        if (tender is None or tender.status != lifecycle.PUBLISHED
                or tender.submission_deadline is None or now < tender.submission_deadline):
            return None  # already closed, cancelled, amended to a later deadline, or not due
        tender.status = next_state(tender.status, "close")
        tender.closed_at = tender.opened_at = tender.updated_at = now
        doc = tender_doc(tender)
        bids = open_bids(ctx, session, tender)
        snapshot = canonical_sha256({"tender": doc, "bids": bids})
        payload = {"schema_version": SCHEMA_VERSION, "event_type": "TenderClosed",
                   "tender_id": tender.id, "closed_at": doc["closed_at"],
                   "opened_at": doc["opened_at"], "snapshot_sha256": snapshot, "tender": doc}
        blobs = None
        if len(bids) > ctx.snapshot_inline_bids:  # by reference: the job stays small
            payload["bids_ref"], blobs = snapshot_pages(snapshot, bids)
        else:
            payload["bids"] = bids
        job_id = emit_tender_closed(session, payload, blobs)
        # After the deadline: each bidder is sent its own final receipt, the buyer the close.
        emit_notification(session, tender, "TenderClosed", tender.id, {"receipts": [
            {k: b[k] for k in ("organisation_id", "bid_id", "version", "content_sha256",
                               "submitted_at")} for b in bids]})
        log.info("tender_closed_and_bids_opened", tender_id=tender.id, bids=len(bids))
        return job_id


def conclude_lots(ctx: Context, session: Session, tender: Tender, now: datetime) -> bool:
    """A tender with lots: a contract for each awarded lot whose standstill has ended; the
    tender concludes once it is awarded (every lot decided) and every contract is made."""
    if (tender.status not in STANDSTILL_STATES
            or tender.standstill_ends_at is None or now < tender.standstill_ends_at):
        return False
    lots = {k: dict(v) for k, v in ((tender.award or {}).get("lots") or {}).items()}
    for key, ends in sorted(pending_standstills(lots).items()):
        if ends <= now:
            contract = create_contract(ctx, session, tender, now, lot_key=key,
                                       bid_id=lots[key].get("bid_id"))
            lots[key] |= {"concluded": True, "contract_id": contract.id if contract else None}
    tender.award = {"lots": lots}
    done = tender.status == lifecycle.AWARDED
    tender.standstill_ends_at = next_standstill(lots, every_lot_decided=done, now=now)
    if done and not pending_standstills(lots):
        tender.status = next_state(tender.status, "conclude")
        tender.concluded_at = now
    tender.updated_at = now
    return True


def conclude_tender(ctx: Context, tender_id: str, now: datetime) -> bool:
    """Conclude an awarded tender once its standstill has ended, making its contract."""
    with transaction(ctx.session_factory) as session:
        tender = session.scalars(select(Tender).where(Tender.id == tender_id)
                                 .with_for_update()).first()
        if tender is not None and tender.lots:
            return conclude_lots(ctx, session, tender, now)
        if (tender is None or tender.status != lifecycle.AWARDED
                or tender.standstill_ends_at is None or now < tender.standstill_ends_at):
            return False
        tender.status = next_state(tender.status, "conclude")
        tender.concluded_at = tender.updated_at = now
        create_contract(ctx, session, tender, now)  # the award becomes a contract at once
        return True


def anything_due(ctx: Context, now: datetime) -> bool:
    """Whether ``close_due`` has work: a published tender past its deadline or an awarded one
    past its standstill. One indexed read, so the scheduler can ask every second and queue the
    sweeper (a forked job) only when it has something to do."""
    with ctx.session_factory() as session:
        return bool(session.scalar(select(exists().where(or_(
            and_(Tender.status == lifecycle.PUBLISHED, Tender.submission_deadline <= now),
            and_(Tender.status.in_(STANDSTILL_STATES), Tender.standstill_ends_at <= now))))))


def close_due(ctx: Context, now: datetime, tender_id: str | None = None) -> dict[str, int]:
    """Close every published tender past its deadline and conclude past standstills."""
    concluded = 0
    with ctx.session_factory() as session:
        due = select(Tender.id).where(Tender.status == lifecycle.PUBLISHED,
                                      Tender.submission_deadline <= now)
        ending = select(Tender.id).where(Tender.status.in_(STANDSTILL_STATES),
                                         Tender.standstill_ends_at <= now)
        if tender_id is not None:
            due, ending = due.where(Tender.id == tender_id), ending.where(Tender.id == tender_id)
        due_ids = list(session.scalars(due.order_by(Tender.submission_deadline)))
        ending_ids = list(session.scalars(ending))
    sent = [job for job in (close_tender(ctx, tid, now) for tid in due_ids) if job]
    closed = len(sent)
    for tid in ending_ids:
        concluded += conclude_tender(ctx, tid, now)
    if concluded:  # scoring hears of a new contract before the first step taken on it
        sent += unsent_job_ids(ctx, "ContractCreated")
    send_events_now(ctx, sent)  # assessment starts now, not at the relay's next poll
    return {"closed": closed, "concluded": concluded}


def _parse_ts(value: Any, name: str) -> datetime | None:
    """An optional RFC 3339 field of a ScoringResult (``ValueError`` naming it if malformed)."""
    if value in (None, ""):
        return None
    try:
        return parse_rfc3339(value)
    except ValueError as exc:
        raise ValueError(f"invalid {name}: {value!r}") from exc


def _apply(tender: Tender, event_type: str, data: dict[str, Any], now: datetime) -> str:
    """Apply one scoring event to the tender; returns what happened."""
    if event_type == "PanelSet":
        evaluators = data.get("evaluators") or []
        if not isinstance(evaluators, list) or not all(isinstance(e, str) for e in evaluators):
            raise ValueError("PanelSet.evaluators must be a list of user ids")
        declared = data.get("declared") or []
        blocked = data.get("blocked") or {}
        if not isinstance(declared, list) or not all(isinstance(u, str) for u in declared):
            raise ValueError("PanelSet.declared must be a list of user ids")
        if not isinstance(blocked, dict) or not all(
                isinstance(b, list) and all(isinstance(i, str) for i in b)
                for b in blocked.values()):
            raise ValueError("PanelSet.blocked must map user ids to lists of bid ids")
        tender.panel = {"evaluators": evaluators, "moderator": data.get("moderator"),
                        "declared": declared, "blocked": blocked}
        return "panel set"
    if tender.lots and event_type in ("BidAwarded", "LotNotAwarded"):
        return _apply_lot_decision(tender, event_type, data, now)
    if event_type == "LotNotAwarded":
        raise ValueError("LotNotAwarded for a tender without lots")
    action = {"TenderAssessed": "assess", "ScoringRunCompleted": "score",
              "BidAwarded": "award"}[event_type]
    if is_terminal(tender.status) or tender.status == lifecycle.AWARDED or (
            action == "assess" and tender.status in (lifecycle.EVALUATING, lifecycle.SCORED)):
        return f"ignored: tender is {tender.status}"
    # Out of order (e.g. not closed yet) raises IllegalTransition: rq retries with backoff.
    tender.status = next_state(tender.status, action)
    if action == "assess":
        tender.evaluation_started_at = now
    elif action == "score":
        tender.scored_at = now
        tender.last_run = _last_run(tender.last_run, data)
    else:
        tender.award = {k: data.get(k) for k in ("bid_id", "run_id", "justification")}
        tender.awarded_at = _parse_ts(data.get("awarded_at"), "awarded_at") or now
        tender.standstill_ends_at = _parse_ts(data.get("standstill_ends_at"),
                                              "standstill_ends_at") or tender.awarded_at
    tender.updated_at = now
    return f"moved to {tender.status}"


def _last_run(previous: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, Any]:
    """The latest run, and on a tender with lots each lot's latest under ``lots``."""
    run = {k: data.get(k) for k in ("run_id", "output_sha256")}
    if not data.get("lot_key"):
        return run
    lots = dict((previous or {}).get("lots") or {})
    lots[data["lot_key"]] = run
    return {**run, "lot_key": data["lot_key"], "lots": lots}


def _apply_lot_decision(tender: Tender, event_type: str, data: dict[str, Any],
                        now: datetime) -> str:
    """One lot awarded or closed unawarded: recorded under ``award.lots`` whatever order the
    events come in; the tender is awarded once a decision is recorded here for every lot
    (scoring's ``tender_awarded`` is not relied on). Each awarded lot's standstill runs on its
    own; ``standstill_ends_at`` is the next one due (see conclude_lots)."""
    lot_key = data.get("lot_key")
    if not isinstance(lot_key, str) or not find_lot(tender.lots, lot_key):
        raise ValueError(f"{event_type} names no lot of the tender: {lot_key!r}")
    lots = dict((tender.award or {}).get("lots") or {})
    if is_terminal(tender.status) or lot_key in lots:
        return f"ignored: tender is {tender.status}, lot {lot_key} " + (
            "already decided" if lot_key in lots else "not decided")
    if tender.status != lifecycle.SCORED and event_type == "BidAwarded":
        raise IllegalTransition("award", tender.status)  # out of order: rq retries
    if event_type == "BidAwarded":
        decided_at = _parse_ts(data.get("awarded_at"), "awarded_at") or now
        ends = _parse_ts(data.get("standstill_ends_at"), "standstill_ends_at") or decided_at
        lots[lot_key] = {"status": "awarded", "bid_id": data.get("bid_id"),
                         "run_id": data.get("run_id"), "justification": data.get("justification"),
                         "awarded_at": rfc3339(decided_at), "standstill_ends_at": rfc3339(ends)}
    else:
        decided_at = _parse_ts(data.get("decided_at"), "decided_at") or now
        lots[lot_key] = {"status": "unawarded", "justification": data.get("justification"),
                         "decided_at": rfc3339(decided_at)}
    tender.award = {"lots": lots}
    # awarded once every lot's decision is recorded here, whatever order the events came in
    if set(lots) >= {lot["key"] for lot in tender.lots} and tender.status != lifecycle.AWARDED:
        tender.status = next_state(tender.status, "decide_lots")
        tender.awarded_at = decided_at
    tender.standstill_ends_at = next_standstill(
        lots, every_lot_decided=tender.status == lifecycle.AWARDED, now=decided_at)
    tender.updated_at = now
    return f"lot {lot_key} {lots[lot_key]['status']}; tender {tender.status}"


def _panel_members(tender: Tender) -> list[str]:
    panel = tender.panel or {}
    return [u for u in [*(panel.get("evaluators") or []), panel.get("moderator")] if u]


def _notify(session: Session, tender: Tender, event: dict[str, Any]) -> None:
    """What the panel and the bidders hear of a scoring result (the gateway dedupes per
    person, so a panel set again tells only its new members)."""
    kind, key = event["event_type"], event["event_id"]
    members = _panel_members(tender)
    open_for_scoring = tender.status in (lifecycle.EVALUATING, lifecycle.SCORED) and \
        (tender.evaluation or {}).get("mode", "panel") == "panel"
    if kind == "PanelSet" and members:
        emit_notification(session, tender, "PanelAppointed", key, {"user_ids": members})
    if kind in ("PanelSet", "TenderAssessed") and members and open_for_scoring:
        emit_notification(session, tender, "BidsOpenForScoring", key, {"user_ids": members})
    if kind in ("BidAwarded", "LotNotAwarded") and tender.lots:
        lot_key = (event["data"] or {}).get("lot_key")
        decision = ((tender.award or {}).get("lots") or {}).get(lot_key)
        if decision is not None:
            _award_decided(session, tender, key, decision.get("bid_id"),
                           decision.get("standstill_ends_at"), lot_key)
    elif kind == "BidAwarded" and tender.status == lifecycle.AWARDED:
        _award_decided(session, tender, key, (tender.award or {}).get("bid_id"),
                       rfc3339(tender.standstill_ends_at))


def _award_decided(session: Session, tender: Tender, key: str, awarded_bid_id: str | None,
                   standstill_ends_at: str | None, lot_key: str | None = None) -> None:
    """Every bidder of the tender (of the lot, on a tender with lots) hears the decision."""
    stmt = select(Bid.id, Bid.organisation_id).where(Bid.tender_id == tender.id,
                                                     Bid.status == SUBMITTED)
    data: dict[str, Any] = {"awarded_bid_id": awarded_bid_id,
                            "standstill_ends_at": standstill_ends_at}
    if lot_key is not None:
        stmt, data["lot_key"] = stmt.where(Bid.lot_key == lot_key), lot_key
    data["bids"] = [{"bid_id": b, "organisation_id": o} for b, o in session.execute(stmt)]
    emit_notification(session, tender, "AwardDecided", key, data)


def record_scoring_result(ctx: Context, payload: Any, now: datetime) -> str:
    """Apply a ScoringResult once (its event id is recorded in the same transaction)."""
    event = load_payload(ScoringResult, payload)
    try:
        with transaction(ctx.session_factory) as session:
            if session.get(ProcessedEvent, event["event_id"]) is not None:
                return "duplicate"
            tender = session.scalars(select(Tender).where(Tender.id == event["tender_id"])
                                     .with_for_update()).first()
            if tender is None:
                raise ValueError(f"unknown tender {event['tender_id']}")
            outcome = _apply(tender, event["event_type"], event["data"], now)
            _notify(session, tender, event)
            session.add(ProcessedEvent(event_id=event["event_id"],
                                       event_type=event["event_type"],
                                       tender_id=tender.id, outcome=outcome[:200],
                                       processed_at=now))
    except IntegrityError:
        return "duplicate"  # a concurrent run recorded it first
    log.info("scoring_result_recorded", event_id=event["event_id"], outcome=outcome)
    return outcome
