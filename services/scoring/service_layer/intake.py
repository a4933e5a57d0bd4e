"""Tenders arriving from commissioning: published documents and the frozen snapshot at close."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy import insert
from sqlalchemy.orm import Session

from services.scoring.adapters import audit_events as events
from services.scoring.adapters.outbox import emit_result
from services.scoring.adapters.processes import fork_map
from services.scoring.adapters.tables.tenders import (
    AWARDED,
    CANCELLED,
    EVALUATING,
    PUBLISHED,
    Assessment,
    Bid,
    ProcessedEvent,
    Tender,
)
from services.scoring.domain import MODEL_VERSION, assess_bid, canonical_sha256, others_medians
from services.scoring.service_layer.uow import unit_of_work
from shared.contracts import TenderClosed, TenderPublished, load_payload, opened_bids_page
from shared.ids import new_id
from shared.lots import lot_view
from shared.time import parse_rfc3339

if TYPE_CHECKING:
    from services.scoring.context import Context

log = structlog.get_logger("coprocure.scoring.intake")


def _already_processed(session: Session, event_id: str) -> bool:
    return session.get(ProcessedEvent, event_id) is not None


def _parse_time(value: str | None) -> datetime | None:
    """An optional timestamp of the TenderClosed contract; a malformed one fails the job."""
    return parse_rfc3339(value) if value else None


def record_tender(ctx: Context, payload: dict[str, Any]) -> bool:
    """Store or refresh a published tender's public document; False if already applied."""
    data = load_payload(TenderPublished, payload)
    doc = data["tender"]
    with unit_of_work(ctx) as session:
        if _already_processed(session, data["event_id"]):
            return False
        now = ctx.clock()
        session.add(ProcessedEvent(event_id=data["event_id"], job="record_tender",
                                   processed_at=now))
        tender = session.get(Tender, data["tender_id"])
        version = int(doc.get("version") or 1)
        cancelled = data["event_type"] == "TenderCancelled" or doc.get("status") == CANCELLED
        if tender is None:
            tender = Tender(id=data["tender_id"], document=doc, version=version,
                            status=CANCELLED if cancelled else PUBLISHED, updated_at=now)
            session.add(tender)
        elif tender.snapshot is None and version >= tender.version:
            # Only a newer version replaces the document; the snapshot at close is final.
            tender.document, tender.version = doc, version
            tender.status = CANCELLED if cancelled else tender.status
        elif cancelled and tender.status not in (AWARDED,):
            tender.status = CANCELLED
        tender.organisation_id = doc.get("organisation_id") or tender.organisation_id
        tender.owner_user_id = doc.get("owner_user_id") or tender.owner_user_id
        tender.updated_at = now
    return True


def assess_tender(ctx: Context, payload: dict[str, Any]) -> bool:
    """Store the frozen snapshot and opened bids, assess every bid; once per snapshot."""
    data = load_payload(TenderClosed, payload)
    snapshot = data["tender"]
    with unit_of_work(ctx) as session:
        if _already_processed(session, data["event_id"]):
            return False
        session.add(ProcessedEvent(event_id=data["event_id"], job="assess_tender",
                                   processed_at=ctx.clock()))
        tender = session.get(Tender, data["tender_id"])
        if tender is not None and tender.snapshot_sha256 is not None:
            if tender.snapshot_sha256 != data["snapshot_sha256"]:
                # A second, different snapshot would silently change what was assessed.
                raise ValueError(f"tender {tender.id} already closed with snapshot "
                                 f"{tender.snapshot_sha256}, refusing {data['snapshot_sha256']}")
            return False  # the same snapshot under another event id: nothing new
        if tender is None:
            tender = Tender(id=data["tender_id"], document=snapshot, status=EVALUATING,
                            version=int(snapshot.get("version") or 1), updated_at=ctx.clock())
            session.add(tender)
            session.flush()  # no ORM relationship orders it: insert the tender before its bids
        if "bids_ref" in data:
            payload, data = _fetch_opened_bids(ctx, payload, data)
        _store_snapshot(session, tender, data, payload, ctx)
    return True


def _fetch_opened_bids(ctx: Context, payload: dict[str, Any], data: dict[str, Any]
                       ) -> tuple[dict[str, Any], dict[str, Any]]:
    """A close sent by reference: its opened bids read from the pages commissioning's relay
    staged in Redis, each checked against its hash (docs/architecture.md, "Events by
    reference"); the payload and data as if the bids had come inline."""
    ref = data["bids_ref"]
    bodies = ctx.redis().mget([page["key"] for page in ref["pages"]]) if ref["pages"] else []
    raw: list[dict[str, Any]] = []
    loaded: list[dict[str, Any]] = []
    for page, body in zip(ref["pages"], bodies, strict=True):
        sent, checked = opened_bids_page(page, body)
        raw.extend(sent)
        loaded.extend(checked)
    if len(loaded) != ref["count"]:
        raise ValueError(f"the snapshot's pages hold {len(loaded)} bids, not {ref['count']}")
    return {**payload, "bids": raw}, {**data, "bids": loaded}


def _opened_entry(bid: dict[str, Any]) -> dict[str, Any]:
    """What ``bids_opened`` records of one bid: its content hash and each document's hash."""
    entry = {"bid_id": bid["bid_id"], "content_sha256": bid["content_sha256"]}
    if bid.get("documents"):
        entry["documents"] = [{"document_id": d.get("document_id"), "sha256": d.get("sha256")}
                              for d in bid["documents"]]
    return entry


def _assess_per_lot(contents: dict[str, dict[str, Any]], snapshot: dict[str, Any],
                    processes: int = 1, fork_from: int = 0,
                    meanwhile: Callable[[], None] | None = None) -> dict[str, dict[str, Any]]:
    """Each bid's assessment (as stored) against its lot (criteria, price ceiling), compared
    with the prices of its lot's bids only; a tender without lots is one group. With
    ``fork_from`` bids or more, the bids are assessed in ``processes`` forked processes while
    this one runs ``meanwhile`` (it runs first otherwise)."""
    by_lot: dict[str | None, dict[str, dict[str, Any]]] = {}
    for bid_id, content in contents.items():
        by_lot.setdefault(content.get("lot_key"), {})[bid_id] = content
    many = processes > 1 and fork_from > 0 and len(contents) >= fork_from
    parts = processes if many else 1
    chunks: list[tuple[dict[str, Any], list[tuple[str, dict[str, Any], Any]]]] = []
    for lot_key, group in by_lot.items():
        try:
            judged = lot_view(snapshot, lot_key)
        except KeyError:  # commissioning refuses such bids; if one comes, judge it as a whole
            judged = lot_view(snapshot, None)
        medians = others_medians(group)
        ids = sorted(group)
        chunks += [(judged, [(i, group[i], medians[i]) for i in ids[k::parts]])
                   for k in range(parts)]
    out: dict[str, dict[str, Any]] = {}
    for done in fork_map(_assess_chunk, chunks, parts, meanwhile):
        out.update(done)
    return dict(sorted(out.items()))


def _assess_chunk(work: tuple[dict[str, Any], list[tuple[str, dict[str, Any], Any]]]
                  ) -> dict[str, dict[str, Any]]:
    tender, chunk = work
    return {bid_id: assess_bid(content, tender, others_median=median).to_dict()
            for bid_id, content, median in chunk}


def _store_snapshot(session: Session, tender: Tender, data: dict[str, Any],
                    raw: dict[str, Any], ctx: Context) -> None:
    snapshot = data["tender"]
    tender.snapshot, tender.snapshot_sha256 = snapshot, data["snapshot_sha256"]
    tender.organisation_id = snapshot.get("organisation_id") or tender.organisation_id
    tender.owner_user_id = snapshot.get("owner_user_id") or tender.owner_user_id
    tender.closed_at = _parse_time(data["closed_at"])
    tender.opened_at = _parse_time(data["opened_at"])
    if tender.status != CANCELLED:
        tender.status = EVALUATING
    verified = canonical_sha256({"tender": raw.get("tender"), "bids": raw.get("bids")}) \
        == data["snapshot_sha256"]
    if not verified:
        log.warning("snapshot_hash_mismatch", tender_id=tender.id)
    contents = {item["bid_id"]: item["content"] for item in data["bids"]}
    system = events.system_actor()

    def write_opened_bids() -> None:
        """The opened bids and their log entry: written while the children assess."""
        # One multi-row insert per table: a national tender closes with thousands of bids
        # (and none at all is a close too: an empty insert would write one row of defaults).
        if data["bids"]:
            session.execute(insert(Bid), [
                {"id": item["bid_id"], "tender_id": tender.id,
                 "organisation_id": item["organisation_id"],
                 "organisation_name": item.get("organisation_name"), "version": item["version"],
                 "tender_version": item["tender_version"], "submitted_at": item["submitted_at"],
                 "content_sha256": item["content_sha256"], "content": item["content"],
                 "position": position}
                for position, item in enumerate(data["bids"])])
        events.record(session, event_type=events.BIDS_OPENED, tender_id=tender.id,
                      object_type="tender", object_id=tender.id, **system,
                      occurred_at=ctx.clock(),
                      payload={"snapshot_sha256": data["snapshot_sha256"],
                               "snapshot_verified": verified, "opened_at": data["opened_at"],
                               "bids": [_opened_entry(b) for b in data["bids"]]})

    results = _assess_per_lot(contents, snapshot, ctx.assess_processes, ctx.assess_fork_from,
                              meanwhile=write_opened_bids)
    assessed = ctx.clock()  # after the assessment, which takes seconds for thousands of bids
    if results:
        session.execute(insert(Assessment), [
            {"id": new_id("asm"), "tender_id": tender.id, "bid_id": bid_id,
             "snapshot_sha256": data["snapshot_sha256"], "model_version": result["model_version"],
             "result": result, "created_at": assessed}
            for bid_id, result in results.items()])
    events.record_many(session, [
        dict(event_type=events.BID_ASSESSED, tender_id=tender.id, object_type="bid",
             object_id=bid_id, **system, occurred_at=assessed,
             payload={"bid_id": bid_id, "assessment_sha256": canonical_sha256(result)},
             model_version=result["model_version"], inputs_sha256=data["snapshot_sha256"])
        for bid_id, result in results.items()])
    tender.assessed_at = assessed
    emit_result(session, event_type="TenderAssessed", tender_id=tender.id,
                event_id=f"TenderAssessed-{data['snapshot_sha256'][:40]}",
                data={"snapshot_sha256": data["snapshot_sha256"], "bids_assessed": len(contents),
                      "model_version": MODEL_VERSION})
