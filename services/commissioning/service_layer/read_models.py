"""Documents built from rows: the public tender, bid views, and the JSON form of changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.commissioning.adapters.tables import Bid, Tender
from services.commissioning.domain.bids import needs_confirmation
from services.commissioning.domain.tenders import tie_break
from shared.errors import Invalid
from shared.schemas import decode_cursor
from shared.time import parse_rfc3339, rfc3339

DOC_FIELDS = ("title", "description", "service_area", "estimated_value", "clarification_deadline",
              "submission_deadline", "evaluation", "price", "criteria", "rate_card", "source",
              "lots")


def parse_cursor(raw: str | None) -> tuple[datetime, str] | None:
    """Decode a ``{"c": created_at, "i": id}`` keyset cursor (422 naming ``cursor`` if bad)."""
    cursor = decode_cursor(raw)
    if cursor is None:
        return None
    try:
        created = parse_rfc3339(cursor["c"])
        last_id = cursor["i"]
    except (KeyError, ValueError) as exc:
        raise Invalid({"cursor": ["Invalid cursor."]}) from exc
    if not isinstance(last_id, str):
        raise Invalid({"cursor": ["Invalid cursor."]})
    return created, last_id


def jsonable(value: Any) -> Any:
    """Datetimes as RFC 3339 strings, recursively."""
    if isinstance(value, datetime):
        return rfc3339(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


def working_doc(tender: Tender) -> dict[str, Any]:
    """The editable part of a tender, with datetimes, for validation and merging."""
    return {name: getattr(tender, name) for name in DOC_FIELDS}


def apply_doc(tender: Tender, doc: dict[str, Any]) -> None:
    """Write a working document back to the row (whole JSON values, so changes are seen)."""
    for name in DOC_FIELDS:
        setattr(tender, name, doc.get(name))


def tender_doc(tender: Tender) -> dict[str, Any]:
    """The public tender document (GET /tenders/{id}, outbox events, the close snapshot)."""
    return {
        "id": tender.id,
        "status": tender.status,
        "version": tender.version,
        "title": tender.title,
        "description": tender.description,
        "service_area": tender.service_area,
        "estimated_value": tender.estimated_value,
        "clarification_deadline": rfc3339(tender.clarification_deadline),
        "submission_deadline": rfc3339(tender.submission_deadline),
        "evaluation": tender.evaluation,
        "price": tender.price,
        "criteria": tender.criteria,
        "tie_break": tie_break(tender.criteria),
        "organisation_id": tender.organisation_id,
        "organisation_name": tender.organisation_name,
        "owner_user_id": tender.owner_user_id,
        "created_at": rfc3339(tender.created_at),
        "updated_at": rfc3339(tender.updated_at),
        "published_at": rfc3339(tender.published_at),
        "closed_at": rfc3339(tender.closed_at),
        "opened_at": rfc3339(tender.opened_at),
        "cancelled_at": rfc3339(tender.cancelled_at),
        "cancel_reason": tender.cancel_reason,
        "awarded_at": rfc3339(tender.awarded_at),
        "award": tender.award,
        "standstill_ends_at": rfc3339(tender.standstill_ends_at),
        "concluded_at": rfc3339(tender.concluded_at),
        "amendments": list(tender.amendments or []),
        "rate_card": tender.rate_card,
        "source": tender.source,
        **({"lots": tender.lots} if tender.lots else {}),  # absent: documents as before lots
    }


def receipt(bid: Bid, with_hash: bool = True,
            documents: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The receipt of the bid's current version, with each attached document's SHA-256.

    ``content_sha256`` covers the price, and prices are few enough to guess: whoever may not see
    the price must not see the hash either (docs/architecture.md, "Panel never sees price");
    nor the documents' list, which names the price schedule.
    """
    doc = {"bid_id": bid.id, "version": bid.version, "submitted_at": rfc3339(bid.submitted_at)}
    if with_hash:
        doc["content_sha256"] = bid.content_sha256
        if documents:  # absent without documents: receipts of bids without them are unchanged
            doc["documents"] = documents
    return doc


def receipt_doc(bid: Bid, documents: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """What a submit or replace returns."""
    return {"id": bid.id, "version": bid.version, "status": bid.status,
            "tender_id": bid.tender_id, "tender_version": bid.tender_version,
            "receipt": receipt(bid, documents=documents)}


def bid_doc(bid: Bid, tender: Tender, content: dict[str, Any] | None,
            with_price: bool = True,
            documents: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A bid as a reader sees it; ``content`` is the decrypted body."""
    doc: dict[str, Any] = {
        "id": bid.id, "tender_id": bid.tender_id, "organisation_id": bid.organisation_id,
        "organisation_name": bid.organisation_name, "status": bid.status,
        "version": bid.version, "tender_version": bid.tender_version,
        "needs_confirmation": needs_confirmation(bid.tender_version, tender.version, bid.status),
        "submitted_at": rfc3339(bid.submitted_at), "updated_at": rfc3339(bid.updated_at),
        "withdrawn_at": rfc3339(bid.withdrawn_at),
        "receipt": receipt(bid, with_hash=with_price, documents=documents),
    }
    if bid.lot_key is not None:
        doc["lot_key"] = bid.lot_key
    if content is not None:
        if with_price:
            doc["price"] = content["price"]
        doc["responses"] = content["responses"]
        doc["coproduction"] = content["coproduction"]
    return doc
