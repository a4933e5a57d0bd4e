"""Telling scoring about each step of a contract (``ContractEvent``): scoring logs every step
in the audit log and computes performance from the validated results it is sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from services.commissioning.adapters.outbox import emit_contract_event
from services.commissioning.adapters.tables import Contract
from shared.canonical import sha256_hex
from shared.identity import Identity
from shared.time import rfc3339

SYSTEM = {"actor_id": "system:commissioning", "actor_role": "system", "request_id": None}


def performance_view(contract: Contract) -> dict[str, Any]:
    """The part of a contract its performance is computed from (docs/scoring.md, 17)."""
    return {"id": contract.id, "start_date": contract.start_date.isoformat(),
            "metrics": [{"id": m["id"], "unit": (m.get("indicator") or {}).get("unit"),
                         "baseline": m.get("baseline"), "target": m.get("target"),
                         "schedule": [{"period": p["period"], "end": p["end"]}
                                      for p in m["schedule"]]}
                        for m in contract.metrics]}


def actor(identity: Identity, role: str) -> dict[str, Any]:
    """The actor fields of a step a signed-in user took in ``role``."""
    return {"actor_id": identity.user_id or "anonymous", "actor_role": role,
            "request_id": identity.request_id}


def comment_hash(text: str | None) -> str | None:
    """Comments may name people: scoring's log keeps only their SHA-256."""
    return sha256_hex(text.encode("utf-8")) if text else None


def emit(session: Session, contract: Contract, event_type: str, object_id: str,
         who: dict[str, Any], now: datetime, data: dict[str, Any],
         period: int | None = None, validated: list[dict[str, Any]] | None = None,
         decisions: list[dict[str, Any]] | None = None) -> str:
    """Write one ``ContractEvent`` to the outbox in the caller's transaction; its job id."""
    return emit_contract_event(session, {
        "event_id": f"{event_type}-{object_id}", "event_type": event_type,
        "contract_id": contract.id, "tender_id": contract.tender_id,
        "occurred_at": rfc3339(now), **who, "contract": performance_view(contract),
        "data": data, "period": period, "validated": validated or [],
        "decisions": decisions or []})
