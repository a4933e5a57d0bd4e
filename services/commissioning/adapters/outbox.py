"""Outgoing events (transactional outbox) and the best-effort scheduled close."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.commissioning.adapters.tables import Tender, outbox
from services.commissioning.context import Context
from services.commissioning.service_layer.read_models import tender_doc
from shared.contracts import (
    ASSESS_TENDER,
    CLOSE_DUE_TENDERS,
    JOB_QUEUES,
    RECORD_CONTRACT_EVENT,
    RECORD_NOTIFICATION_EVENT,
    RECORD_TENDER,
    SCHEMA_VERSION,
    NotificationEvent,
)
from shared.outbox import add_event, send_now
from shared.queue import default_retry, get_queue
from shared.time import rfc3339

log = structlog.get_logger("coprocure.commissioning")

SUFFIX = {"TenderPublished": "published", "TenderAmended": "amended",
          "TenderCancelled": "cancelled"}


def emit_tender_event(session: Session, tender: Tender, event_type: str) -> str:
    """TenderPublished/Amended/Cancelled for scoring, in the caller's transaction; its job id."""
    job_id = f"tender-{tender.id}-v{tender.version}-{SUFFIX[event_type]}"
    payload = {"schema_version": SCHEMA_VERSION, "event_id": job_id, "event_type": event_type,
               "tender_id": tender.id, "tender": tender_doc(tender)}
    add_event(session, outbox, event_type=event_type, queue=JOB_QUEUES[RECORD_TENDER],
              job_name=RECORD_TENDER, job_id=job_id, payload=payload)
    return job_id


def emit_tender_closed(session: Session, payload: dict[str, Any],
                       blobs: dict[str, bytes] | None = None) -> str:
    """``TenderClosed`` for ``assess_tender``, deduplicated by the snapshot hash; its job id.
    ``blobs``: the pages of a ``bids_ref``, staged in Redis by the relay."""
    job_id = f"assess-{payload['tender_id']}-{payload['snapshot_sha256'][:32]}"
    payload = {**payload, "event_id": job_id}
    add_event(session, outbox, event_type="TenderClosed", queue=JOB_QUEUES[ASSESS_TENDER],
              job_name=ASSESS_TENDER, job_id=job_id, payload=payload, blobs=blobs)
    return job_id


def emit_contract_event(session: Session, payload: dict[str, Any]) -> str:
    """A ``ContractEvent`` for scoring (audit log, performance), in the caller's transaction."""
    job_id = f"contract-{payload['event_id']}"
    add_event(session, outbox, event_type=payload["event_type"],
              queue=JOB_QUEUES[RECORD_CONTRACT_EVENT], job_name=RECORD_CONTRACT_EVENT,
              job_id=job_id, payload={"schema_version": SCHEMA_VERSION, **payload})
    return job_id


def interested_organisations(session: Session, tender: Tender) -> list[str]:
    """Organisations with a live bid on the tender or a question asked: they hear of answers
    and amendments however the gateway's follows stand (events may arrive out of order)."""
    from services.commissioning.adapters.tables import Bid, Question
    from services.commissioning.domain.bids import SUBMITTED

    bids = session.scalars(select(Bid.organisation_id).where(Bid.tender_id == tender.id,
                                                            Bid.status == SUBMITTED))
    asked = session.scalars(select(Question.asker_organisation_id).where(
        Question.tender_id == tender.id))
    return sorted({o for o in [*bids, *asked] if o})


@cache
def _notification_event() -> NotificationEvent:
    """One schema for every event (a schema builds its fields on creation: per bid, in a rush)."""
    return NotificationEvent()


def emit_notification(session: Session, tender: Tender, event_type: str, key: str,
                      data: dict[str, Any] | None = None) -> str:
    """A ``NotificationEvent`` for the gateway, in the caller's transaction; its job id.

    Ids and public facts only (title, deadline, buyer): the gateway resolves the recipients,
    and nothing a bidder must not know before the deadline leaves this service in it (the
    organisation ids of bidders go to the gateway, which tells nobody of them)."""
    event_id = f"{event_type}-{key}"
    if event_type in ("AnswerPublished", "TenderAmended", "TenderCancelled"):
        session.flush()
        data = {**(data or {}), "organisation_ids": interested_organisations(session, tender)}
    deadline = tender.submission_deadline
    payload = {"schema_version": SCHEMA_VERSION, "event_id": event_id, "event_type": event_type,
               "tender_id": tender.id,
               "tender": {"title": tender.title, "organisation_id": tender.organisation_id,
                          "submission_deadline": rfc3339(deadline) if deadline else None},
               "data": data or {}}
    _notification_event().load(payload)  # a malformed message is our bug: fail before it leaves
    job_id = f"notify-{event_id}"
    add_event(session, outbox, event_type=event_type,
              queue=JOB_QUEUES[RECORD_NOTIFICATION_EVENT], job_name=RECORD_NOTIFICATION_EVENT,
              job_id=job_id, payload=payload)
    return job_id


def schedule_close(ctx: Context, tender_id: str, version: int, deadline: datetime) -> bool:
    """Ask rq to close the tender at its deadline; the sweeper catches up if this fails."""
    try:
        queue = get_queue(JOB_QUEUES[CLOSE_DUE_TENDERS], ctx.redis())
        queue.enqueue_at(deadline, CLOSE_DUE_TENDERS,
                         {"schema_version": SCHEMA_VERSION, "tender_id": tender_id},
                         job_id=f"close-{tender_id}-v{version}", retry=default_retry(),
                         result_ttl=3600, failure_ttl=30 * 24 * 3600)
    except Exception as exc:  # Redis down or not configured: never fail the publish
        log.warning("close_not_scheduled", tender_id=tender_id, error=repr(exc))
        return False
    return True


def unsent_job_ids(ctx: Context, event_type: str) -> list[str]:
    """Job ids of this service's events of one type still waiting in the outbox."""
    with ctx.session_factory() as session:
        return list(session.scalars(select(outbox.c.job_id).where(
            outbox.c.event_type == event_type, outbox.c.sent_at.is_(None))))


def send_events_now(ctx: Context, job_ids: list[str]) -> int:
    """After a commit, hand its own outbox events to rq at once (the relay retries failures)."""
    return send_now(ctx.session_factory, outbox, ctx.redis, job_ids) if job_ids else 0
