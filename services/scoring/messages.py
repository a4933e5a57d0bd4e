"""Messages from scoring to commissioning, through this service's transactional outbox."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from services.scoring import models
from shared.contracts import RECORD_SCORING_RESULT, SCHEMA_VERSION, ScoringResult
from shared.outbox import add_event


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
