"""Filling the audit log and talking to its endpoints in tests."""

from __future__ import annotations

from typing import Any

from services.scoring.adapters.audit_log import append_event
from shared.db import transaction
from tests.conftest import auth_headers, identity

AUDITOR = identity("auditor")
EVALUATOR = identity("evaluator")
ANONYMOUS = identity()


def fill(app, count: int, *, start: int = 0, per_tx: int = 50, tender_id: str = "tnd_a",
         **extra: Any) -> list[dict[str, Any]]:
    """Append ``count`` score events through ``append_event``, ``per_tx`` per transaction,
    at the app's clock's time."""
    factory = app.extensions["coprocure"].session_factory
    clock = app.config["CLOCK"]
    entries = []
    for offset in range(0, count, per_tx):
        with transaction(factory) as session:
            for i in range(start + offset, start + min(offset + per_tx, count)):
                entries.append(append_event(
                    session, event_type="score_recorded", tender_id=tender_id,
                    object_type="score", object_id=f"scr_{i}", actor_id=f"usr_{i % 3}",
                    actor_role="evaluator", request_id=f"req-{i}",
                    payload={"bid_id": f"bid_{i % 4}", "criterion_key": f"Q{i % 5 + 1}",
                             "score": i % 6, "justification": f"reason {i} — ünïcödé"},
                    score=i % 6, evaluator_id=f"usr_{i % 3}",
                    **{"occurred_at": clock(), **extra}))
    return entries


def get(app, path: str, who=AUDITOR, **kwargs):
    """GET ``/api/v1{path}`` as ``who``."""
    return app.test_client().get("/api/v1" + path, headers=auth_headers(who), **kwargs)
