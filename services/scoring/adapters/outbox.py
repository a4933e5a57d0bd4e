"""Messages leaving scoring (to commissioning, and its own run jobs) via the outbox."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import structlog
from redis import Redis
from sqlalchemy.orm import Session

from services.scoring.adapters import tables as models
from shared import outbox
from shared.contracts import (
    JOB_QUEUES,
    RECORD_NOTIFICATION_EVENT,
    RECORD_SCORING_RESULT,
    RUN_PAYMENTS,
    RUN_SCORING,
    SCHEMA_VERSION,
    NotificationEvent,
    RunPaymentsRequested,
    RunScoringRequested,
    ScoringResult,
)
from shared.outbox import add_event

log = structlog.get_logger("coprocure.scoring.messages")


def emit_result(session: Session, *, event_type: str, tender_id: str, data: dict[str, Any],
                event_id: str | None = None) -> str:
    """Queue a ``ScoringResult`` for commissioning in the caller's transaction."""
    event_id = event_id or f"{event_type}-{uuid.uuid4().hex}"
    payload = {"schema_version": SCHEMA_VERSION, "event_id": event_id, "event_type": event_type,
               "tender_id": tender_id, "data": data}
    ScoringResult().load(payload)  # a malformed message is our bug: fail before it leaves
    add_event(session, models.outbox, event_type=event_type, queue="commissioning",
              job_name=RECORD_SCORING_RESULT, job_id=f"result-{event_id}", payload=payload)
    return event_id


def emit_notification(session: Session, tender: models.Tender, event_type: str, key: str,
                      data: dict[str, Any]) -> str:
    """A ``NotificationEvent`` for the gateway (ids and public facts only); writing the same
    key twice writes one row."""
    doc = tender.document or {}
    payload = {"schema_version": SCHEMA_VERSION, "event_id": key, "event_type": event_type,
               "tender_id": tender.id,
               "tender": {"title": doc.get("title"), "organisation_id": tender.organisation_id,
                          "submission_deadline": doc.get("submission_deadline")},
               "data": {**data, "key": key}}
    NotificationEvent().load(payload)
    job_id = f"notify-{key}"
    add_event(session, models.outbox, event_type=event_type,
              queue=JOB_QUEUES[RECORD_NOTIFICATION_EVENT], job_name=RECORD_NOTIFICATION_EVENT,
              job_id=job_id, payload=payload)
    return job_id


def queue_run(session: Session, run_id: str, tender_id: str) -> str:
    """Queue ``run_scoring`` for a run through the outbox, in the caller's transaction."""
    payload = {"schema_version": SCHEMA_VERSION, "event_id": f"run-{run_id}",
               "run_id": run_id, "tender_id": tender_id}
    RunScoringRequested().load(payload)
    job_id = f"run-{run_id}"
    add_event(session, models.outbox, event_type="RunScoringRequested", queue="scoring",
              job_name=RUN_SCORING, job_id=job_id, payload=payload)
    return job_id


def queue_payments(session: Session, contract_id: str, cause: str) -> str:
    """Queue ``run_payments`` for a contract through the outbox, in the caller's transaction;
    ``cause`` is the event that changed its inputs (one job per cause)."""
    payload = {"schema_version": SCHEMA_VERSION, "event_id": f"payments-{cause}",
               "contract_id": contract_id}
    RunPaymentsRequested().load(payload)
    job_id = f"payments-{cause}"
    add_event(session, models.outbox, event_type="RunPaymentsRequested", queue="scoring",
              job_name=RUN_PAYMENTS, job_id=job_id, payload=payload)
    return job_id


def send_now(session_factory: Callable[[], Session], redis: Callable[[], Redis],
             job_id: str) -> bool:
    """Enqueue one outbox row at once; on any Redis trouble the relay sends it later."""
    return outbox.send_now(session_factory, models.outbox, redis, [job_id]) > 0
