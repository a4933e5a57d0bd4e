"""The one place scoring-relevant events are recorded for the audit log.

Every call site passes what ``services.scoring.adapters.audit_log.append_event`` takes, inside the
caller's transaction, at the time the caller gives (docs/architecture.md, "Audit log").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.orm import Session

from services.scoring.adapters.audit_log import append_event, append_events
from shared.identity import Identity

log = structlog.get_logger("coprocure.scoring.events")

# Event types recorded by the scoring service.
BIDS_OPENED = "bids_opened"
BID_ASSESSED = "bid_assessed"
PANEL_SET = "panel_set"
CONFLICT_DECLARED = "conflict_declared"
SCORE_RECORDED = "score_recorded"
SCORE_MODERATED = "score_moderated"
SCORING_RUN_REQUESTED = "scoring_run_requested"
SCORING_RUN_COMPLETED = "scoring_run_completed"
SCORING_RUN_FAILED = "scoring_run_failed"
SCORING_RUN_REPLAYED = "scoring_run_replayed"
BID_AWARDED = "bid_awarded"
LOT_NOT_AWARDED = "lot_not_awarded"

SYSTEM_ACTOR = "system:scoring"


def record(session: Session, *, event_type: str, tender_id: str, object_type: str,
           object_id: str, actor_id: str, actor_role: str, request_id: str | None,
           payload: dict[str, Any], occurred_at: datetime, model_version: str | None = None,
           inputs_sha256: str | None = None, score: Any = None,
           evaluator_id: str | None = None) -> dict[str, Any]:
    """Append one scoring event to the audit log in the caller's transaction."""
    entry = dict(event_type=event_type, tender_id=tender_id, object_type=object_type,
                 object_id=object_id, actor_id=actor_id, actor_role=actor_role,
                 request_id=request_id, payload=payload, model_version=model_version,
                 inputs_sha256=inputs_sha256, score=score, evaluator_id=evaluator_id)
    log.info("scoring_event", **{k: v for k, v in entry.items() if k != "payload"})
    return append_event(session, occurred_at=occurred_at, **entry)


def record_many(session: Session, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Append many scoring events (each with :func:`record`'s keywords) in one batch, logged as
    one line: a close records one per opened bid."""
    if items:
        log.info("scoring_events", event_types=sorted({i["event_type"] for i in items}),
                 tender_ids=sorted({i["tender_id"] for i in items}), count=len(items))
    return append_events(session, items)


def actor_of(identity: Identity, role: str) -> dict[str, Any]:
    """The actor fields of an event for a signed-in user acting in ``role``."""
    return {"actor_id": identity.user_id or "anonymous", "actor_role": role,
            "request_id": identity.request_id}


def system_actor(request_id: str | None = None) -> dict[str, Any]:
    """The actor fields of an event the scoring worker records on its own."""
    return {"actor_id": SYSTEM_ACTOR, "actor_role": "system", "request_id": request_id}
