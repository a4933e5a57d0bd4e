"""Replaying a recorded calculation (a performance rating, a payment run) against the audit log:
one rule for every kind, so each says the same thing to an auditor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from services.scoring.adapters import audit_events as events
from services.scoring.service_layer.audit_queries import recorded
from services.scoring.service_layer.uow import unit_of_work
from shared.canonical import canonical_sha256
from shared.errors import Conflict, NotFound
from shared.identity import Identity
from shared.time import rfc3339

if TYPE_CHECKING:
    from services.scoring.context import Context


@dataclass(frozen=True)
class Replayable:
    """What a kind of recorded calculation needs to be replayed."""

    table: type  # its row: id, inputs, model_version, tender_id, input_sha256
    name: str  # "rating", "payment run": for the errors
    id_key: str  # the id's name in the replay document
    object_type: str  # the audit entry's object type
    logged: str  # the event type that recorded it
    replayed: str  # the event type the replay records
    compute: Callable[[dict[str, Any]], Any]  # the current model, on stored inputs
    model_version: str  # the current model's version


def replay(ctx: Context, identity: Identity, kind: Replayable, record_id: str) -> dict[str, Any]:
    """Recompute a record from its stored inputs; compare both hashes with the audit log (not
    with the record's own table, which a database writer could have changed)."""
    with unit_of_work(ctx) as session:
        row = session.get(kind.table, record_id)
        if row is None:
            raise NotFound(f"{kind.name} {record_id} not found")
        logged = recorded(session, kind.logged, row.id)
        if logged is None or logged[1] is None:
            raise Conflict(f"The audit log holds no complete record of this {kind.name}.")
        entry, payload = logged
        output = kind.compute(row.inputs)
        doc = {kind.id_key: row.id, "input_sha256": canonical_sha256(row.inputs),
               "original_input_sha256": entry.get("inputs_sha256"),
               "output_sha256": canonical_sha256(output),
               "original_output_sha256": payload.get("output_sha256"),
               "model_version": kind.model_version,
               "original_model_version": row.model_version, "compared_with": "audit log"}
        doc["matches"] = (doc["input_sha256"] == doc["original_input_sha256"]
                          and doc["output_sha256"] == doc["original_output_sha256"])
        now = ctx.clock()
        doc["replayed_at"] = rfc3339(now)
        events.record(session, event_type=kind.replayed, tender_id=row.tender_id,
                      object_type=kind.object_type, object_id=row.id,
                      **events.actor_of(identity, "auditor"), payload=doc, occurred_at=now,
                      model_version=doc["model_version"], inputs_sha256=row.input_sha256)
    return doc
