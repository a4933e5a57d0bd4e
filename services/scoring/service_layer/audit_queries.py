"""Auditor reads: filtered entry pages, inclusion and consistency proofs (O(log n) reads)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from services.scoring.adapters.audit_store import SqlNodeStore, log_size
from services.scoring.adapters.tables.audit import AuditEntry, AuditPayload
from shared.audit import merkle
from shared.canonical import sha256_hex
from shared.errors import BadRequest, Invalid, NotFound
from shared.schemas import decode_cursor, encode_cursor

if TYPE_CHECKING:
    from services.scoring.context import Context

_FILTERS = {"tender_id": AuditEntry.tender_id, "bid_id": AuditEntry.bid_id,
            "actor_id": AuditEntry.actor_id, "criterion_key": AuditEntry.criterion_key,
            "evaluator_id": AuditEntry.evaluator_id, "type": AuditEntry.event_type,
            "object_id": AuditEntry.object_id}


def _bad_request(detail: str) -> BadRequest:
    return BadRequest(detail, title="Bad Request")


def event_document(entry: AuditEntry, payload: AuditPayload | None) -> dict[str, Any]:
    """An entry as stored (its canonical fields), its leaf hash and, unless withheld, payload."""
    doc = json.loads(entry.line)
    doc["leaf_hash"] = entry.leaf_hash
    withheld = payload is None or payload.withheld
    doc["payload_withheld"] = withheld
    doc["payload"] = None if withheld else json.loads(payload.payload)
    return doc


def list_events(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """One page of entries matching the filters, in ``seq`` order, keyset-paginated."""
    cursor = decode_cursor(args.get("cursor"))
    after = -1
    if cursor is not None:
        after = cursor.get("seq")
        if isinstance(after, bool) or not isinstance(after, int):
            raise Invalid({"cursor": ["Invalid cursor."]})
    query = select(AuditEntry.seq).where(AuditEntry.seq > after)
    for name, column in _FILTERS.items():
        if args.get(name) is not None:
            query = query.where(column == args[name])
    if args.get("since") is not None:
        query = query.where(AuditEntry.occurred_at >= args["since"])
    if args.get("until") is not None:
        query = query.where(AuditEntry.occurred_at < args["until"])
    limit = args["limit"]
    with ctx.session_factory() as session:
        # The page's seqs first: an index-only range scan of (column, seq) from the cursor.
        # Entries and payloads read in that query let PostgreSQL prefer the primary key with
        # a filter, or merge-join payloads from the log's start: work growing with the cursor.
        seqs = list(session.scalars(query.order_by(AuditEntry.seq).limit(limit + 1)))
        shown = seqs[:limit]
        rows = session.execute(
            select(AuditEntry, AuditPayload)
            .join(AuditPayload, and_(AuditPayload.seq == AuditEntry.seq,
                                     AuditPayload.seq.in_(shown)), isouter=True)
            .where(AuditEntry.seq.in_(shown)).order_by(AuditEntry.seq)).all() if shown else []
        items = [event_document(e, p) for e, p in rows]
    more = len(seqs) > limit
    return {"items": items,
            "next_cursor": encode_cursor({"seq": items[-1]["seq"]}) if more else None}


def event(ctx: Context, seq: int) -> dict[str, Any]:
    """One entry by its ``seq`` (with its payload unless withheld); 404 if there is none."""
    with ctx.session_factory() as session:
        entry = session.get(AuditEntry, seq)
        if entry is None:
            raise NotFound(f"No audit entry with seq {seq}.", title="Not Found")
        return event_document(entry, session.get(AuditPayload, seq))


def recorded(session: Session, event_type: str, object_id: str
             ) -> tuple[dict[str, Any], dict[str, Any] | None] | None:
    """The latest logged entry of this type for the object and its payload, the payload only
    if it still hashes to the entry's ``payload_sha256`` (the entry is what the tree covers)."""
    row = session.scalars(select(AuditEntry).where(
        AuditEntry.event_type == event_type, AuditEntry.object_id == object_id)
        .order_by(AuditEntry.seq.desc()).limit(1)).first()
    if row is None:
        return None
    entry = json.loads(row.line)
    stored = session.get(AuditPayload, row.seq)
    payload = None
    if stored is not None and sha256_hex(stored.payload.encode("utf-8")) == entry[
            "payload_sha256"]:
        payload = json.loads(stored.payload)
    return entry, payload


def size_or_current(session: Session, requested: int | None) -> int:
    """The log's size, or the requested prefix of it (400 if the log is not that long)."""
    size = log_size(session)
    if requested is None:
        return size
    if requested > size:
        raise _bad_request(f"tree_size {requested} exceeds the log's size {size}")
    return requested


def inclusion(ctx: Context, seq: int, tree_size: int | None) -> dict[str, Any]:
    """``{leaf_index, tree_size, audit_path, leaf_hash, root_hash}`` for entry ``seq``."""
    with ctx.session_factory() as session:
        size = size_or_current(session, tree_size)
        store = SqlNodeStore(session)
        try:
            path = merkle.inclusion_proof(store, seq, size)  # one batched read of O(log n) nodes
        except ValueError as exc:  # seq >= tree_size
            raise _bad_request(str(exc)) from exc
        entry = session.get(AuditEntry, seq)
        if entry is None:  # unreachable while seq < size and the log has no gaps
            raise NotFound(f"No audit entry with seq {seq}.", title="Not Found")
        return {"leaf_index": seq, "tree_size": size, "audit_path": [h.hex() for h in path],
                "leaf_hash": entry.leaf_hash, "root_hash": merkle.root(store, size).hex()}


def consistency(ctx: Context, first: int, second: int | None) -> dict[str, Any]:
    """``{first, second, proof, first_root, second_root}`` between two tree sizes."""
    with ctx.session_factory() as session:
        size = size_or_current(session, second)
        store = SqlNodeStore(session)
        try:
            proof = merkle.consistency_proof(store, first, size)
        except ValueError as exc:
            raise _bad_request(str(exc)) from exc
        return {"first": first, "second": size, "proof": [h.hex() for h in proof],
                "first_root": merkle.root(store, first).hex(),
                "second_root": merkle.root(store, size).hex()}
