"""Appending to the audit log inside the caller's transaction.

An entry is the RFC 8785 canonical JSON of ``seq, event_type, tender_id, object_type,
object_id, actor_id, actor_role, occurred_at, request_id, payload_sha256`` plus, when given,
``model_version, inputs_sha256, score, evaluator_id``. Its exact bytes are stored as ``line``
and exported verbatim; the payload sits beside it in ``audit_payloads`` so it can be withheld
while every proof still works (docs/architecture.md, "Log entries").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from services.scoring.adapters.audit_store import SqlNodeStore, lock_log, log_size
from services.scoring.adapters.tables.audit import AuditEntry, AuditPayload
from services.scoring.service_layer.tree_heads import SIGNING_SEED, publish_tree_head
from shared.audit.merkle import Overlay, append, leaf_hash
from shared.canonical import canonical_json, sha256_hex
from shared.time import rfc3339

# Events after which a signed tree head is published (at the end of their transaction).
MILESTONES = frozenset({"bids_opened", "scoring_run_completed", "bid_awarded",
                        "lot_not_awarded"})
_PENDING = "audit_milestones"
_TAIL = "audit_tail"


def _score_value(score: Any) -> Any:
    """Scores as JSON: ints stay ints; exact decimals and fractions become decimal strings."""
    if score is None or isinstance(score, bool):
        return score
    if isinstance(score, Decimal):
        return str(score)
    if isinstance(score, Fraction):
        return str(score.numerator) if score.denominator == 1 else str(float(score))
    return score


def _bid_and_criterion(object_type: str, object_id: str,
                       payload: dict[str, Any]) -> tuple[str | None, str | None]:
    bid_id = payload.get("bid_id") if isinstance(payload.get("bid_id"), str) else None
    if bid_id is None and object_type == "bid":
        bid_id = object_id
    key = payload.get("criterion_key")
    return bid_id, key if isinstance(key, str) else None


def append_event(session: Session, *, occurred_at: datetime, withhold_payload: bool = False,
                 **fields: Any) -> dict[str, Any]:
    """Append one entry, its payload and its new Merkle nodes; return the entry.

    ``fields`` are an entry's: ``event_type, tender_id, object_type, object_id, actor_id,
    actor_role, request_id, payload`` and optionally ``model_version, inputs_sha256, score,
    evaluator_id``. ``occurred_at`` is the caller's time (its context's clock): the log has no
    clock of its own.
    """
    return append_events(session, [{**fields, "occurred_at": occurred_at,
                                     "withhold_payload": withhold_payload}])[0]


def append_events(session: Session, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Append entries in order with one insert per table: the same entries, bytes and nodes as
    :func:`append_event` once for each (a close appends one per opened bid)."""
    tail = _tail(session)
    entries, lines, payloads, new_nodes = [], [], [], []
    for item in items:
        entry, line_row, payload_row, nodes = _entry(tail, **item)
        entries.append(entry)
        lines.append(line_row)
        payloads.append(payload_row)
        new_nodes.extend(nodes)
    if entries:
        session.execute(insert(AuditEntry), lines)
        session.execute(insert(AuditPayload), payloads)
        tail.nodes.base.put_nodes(new_nodes)
    milestones = [e["event_type"] for e in entries if e["event_type"] in MILESTONES]
    if milestones:
        session.info.setdefault(_PENDING, []).extend(milestones)
    return entries


def _entry(tail: _Tail, *, event_type: str, tender_id: str, object_type: str, object_id: str,
           actor_id: str, actor_role: str, request_id: str | None, payload: dict[str, Any],
           occurred_at: datetime, model_version: str | None = None,
           inputs_sha256: str | None = None, score: Any = None,
           evaluator_id: str | None = None, withhold_payload: bool = False
           ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], list]:
    """One entry at the tail: the entry, its row, its payload's row, its new nodes (kept in the
    tail's overlay, so the next entry's nodes build on them before any is written)."""
    payload_bytes = canonical_json(payload)
    seq = tail.size
    entry: dict[str, Any] = {
        "seq": seq, "event_type": event_type, "tender_id": tender_id,
        "object_type": object_type, "object_id": object_id, "actor_id": actor_id,
        "actor_role": actor_role, "occurred_at": rfc3339(occurred_at), "request_id": request_id,
        "payload_sha256": sha256_hex(payload_bytes),
    }
    optional = {"model_version": model_version, "inputs_sha256": inputs_sha256,
                "score": _score_value(score), "evaluator_id": evaluator_id}
    entry.update({k: v for k, v in optional.items() if v is not None})
    line = canonical_json(entry)
    leaf = leaf_hash(line)
    bid_id, criterion_key = _bid_and_criterion(object_type, object_id, payload)
    row = dict(seq=seq, event_type=event_type, tender_id=tender_id, object_type=object_type,
               object_id=object_id, bid_id=bid_id, criterion_key=criterion_key,
               actor_id=actor_id, actor_role=actor_role, evaluator_id=evaluator_id,
               occurred_at=occurred_at, line=line.decode("utf-8"), leaf_hash=leaf.hex())
    payload_row = dict(seq=seq, payload=payload_bytes.decode("utf-8"), withheld=withhold_payload)
    nodes = append(tail.nodes, leaf, seq)
    tail.nodes.pending.update(((lv, ix), h) for lv, ix, h in nodes)
    tail.size = seq + 1
    tail.last_at = occurred_at if tail.last_at is None else max(tail.last_at, occurred_at)
    return entry, row, payload_row, nodes


@dataclass
class _Tail:
    """The log's end as this transaction sees it, once the append lock is held: later
    appends in the same transaction skip the lock, the size query and re-reading nodes."""

    size: int
    nodes: Overlay
    last_at: datetime | None = None  # the latest entry's time: a milestone head's timestamp


def _tail(session: Session) -> _Tail:
    tail = session.info.get(_TAIL)
    if tail is None:
        lock_log(session)
        tail = session.info[_TAIL] = _Tail(log_size(session), Overlay(SqlNodeStore(session)))
    return tail


@event.listens_for(Session, "after_transaction_end")
def _forget_tail(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction: the lock is gone with it
        session.info.pop(_TAIL, None)
        session.info.pop(_PENDING, None)  # milestones of a transaction that never committed


@event.listens_for(Session, "before_commit")
def _publish_milestone_heads(session: Session) -> None:
    """Sign one tree head covering every entry a milestone transaction wrote."""
    milestones = session.info.pop(_PENDING, None)
    if milestones:
        # Stamped with the time the callers gave their entries; the key is the one the
        # use case's unit of work named (none: the configured secret).
        publish_tree_head(session, "+".join(dict.fromkeys(milestones)),
                          now=session.info[_TAIL].last_at, seed=session.info.get(SIGNING_SEED))


@event.listens_for(Session, "after_rollback")
def _forget_milestones(session: Session) -> None:
    session.info.pop(_PENDING, None)
