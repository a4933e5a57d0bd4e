"""Bid use cases: submit (idempotent), replace, withdraw, read and list sealed bids."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.commissioning.adapters.crypto import decrypt_content, encrypt_content, unwrap_data_key
from services.commissioning.adapters.outbox import emit_notification
from services.commissioning.adapters.tables import Bid, IdempotencyRecord, Tender
from services.commissioning.context import Context
from services.commissioning.domain import lifecycle
from services.commissioning.domain.bids import (
    SUBMITTED,
    WITHDRAWN,
    bid_access,
    is_open_for_bids,
    opened_access,
)
from services.commissioning.domain.lots import live_key, lot_refusal
from services.commissioning.service_layer.access import facts_of, load_tender, not_found, viewer_of
from services.commissioning.service_layer.documents import bid_documents, receipt_entry
from services.commissioning.service_layer.read_models import (
    bid_doc,
    jsonable,
    parse_cursor,
    receipt_doc,
)
from services.commissioning.service_layer.tenders import deadline_passed, transition
from shared.canonical import CanonicalizationError, canonical_json
from shared.db import transaction
from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.identity import Identity
from shared.ids import new_id
from shared.lots import criteria_of, find_lot
from shared.schemas import encode_cursor

SEALED = NotFound("no bids are visible for this tender")


def canonical(body: Any) -> bytes:
    """RFC 8785 canonical JSON of the body exactly as parsed (422 if it cannot be)."""
    try:
        return canonical_json(body)
    except (CanonicalizationError, TypeError, ValueError) as exc:
        raise Invalid({"_schema": [f"Not canonicalisable JSON: {exc}"]}) from exc


def _check_open(tender: Tender, now: datetime) -> None:
    if tender.status == lifecycle.CANCELLED:
        raise Conflict("cannot bid on a tender that is cancelled", current_status=tender.status)
    if not is_open_for_bids(tender.submission_deadline, now):
        raise deadline_passed()
    transition(tender, "bid")


def _check_lot(tender: Tender, body: dict[str, Any], identity: Identity) -> str | None:
    """The bid's lot (None without lots); 422 naming ``lot_key`` for a wrong one, 403 naming it
    for a lot reserved to organisations of another kind."""
    lot_key = body.get("lot_key")
    refusal = lot_refusal(tender.lots, lot_key, identity.organisation_kind)
    if refusal is None:
        return lot_key
    kind, message = refusal
    if kind == "reserved":
        raise Forbidden(message, errors={"lot_key": [message]})
    raise Invalid({"lot_key": [message]})


def _check_against_tender(tender: Tender, body: dict[str, Any]) -> None:
    """Every criterion answered (a bid is final when submitted: there are no drafts), no
    criterion the tender lacks, and the tender's currency; 422 naming what is wrong."""
    lot = find_lot(tender.lots, body.get("lot_key"))
    ordered = [c["key"] for c in criteria_of(lot, tender.criteria)]
    keys = set(ordered)
    errors: dict[str, list[str]] = {}
    for i, response in enumerate(body["responses"]):
        if response["criterion_key"] not in keys:
            errors[f"responses.{i}.criterion_key"] = [
                f"Not a criterion of this tender (one of {', '.join(sorted(keys))})."]
        elif not (response.get("narrative") or "").strip():
            # Scoring's mandatory-responses gate would fail the bid for it after the deadline.
            errors[f"responses.{i}.narrative"] = [
                f"Write a response to {response['criterion_key']}."]
    answered = {r["criterion_key"] for r in body["responses"]}
    missing = [key for key in ordered if key not in answered]
    if missing:
        errors["responses"] = [f"A response to every criterion is required; missing: "
                               f"{', '.join(missing)}."]
    currency = next((m["currency"] for m in (((lot or {}).get("price") or {}).get("ceiling"),
                                               tender.price.get("ceiling"),
                                               tender.estimated_value) if m), None)
    if currency and body["price"]["currency"] != currency:
        errors["price.currency"] = [f"Must be {currency}, the tender's currency."]
    if errors:
        named = {"missing_criteria": missing} if missing else {}
        raise Invalid(errors, detail=(f"The bid has no response to {', '.join(missing)}"
                                      if missing else None), **named)


def _data_key(ctx: Context, tender: Tender) -> bytes:
    return unwrap_data_key(ctx.master_key, tender.wrapped_data_key, tender.id)


def _stored(session: Session, org: str, key: str, fingerprint: str) -> dict[str, Any] | None:
    record = session.scalars(select(IdempotencyRecord).where(
        IdempotencyRecord.organisation_id == org, IdempotencyRecord.key == key)).first()
    if record is None:
        return None
    if record.request_sha256 != fingerprint:
        raise Invalid({"Idempotency-Key": ["Already used with a different request."]},
                      detail="This Idempotency-Key was used with a different request",
                      title="Idempotency key reused")
    return {"status": record.response_status, "body": record.response_body}


def submit_bid(ctx: Context, identity: Identity, tender_id: str, body: dict[str, Any],
               idempotency_key: str | None) -> tuple[int, dict[str, Any]]:
    """Submit a sealed bid; a retry with the same Idempotency-Key returns the same response."""
    org = identity.organisation_id
    if not org:
        raise Forbidden("A bidder must belong to an organisation")
    plaintext = canonical(body)
    content_sha = hashlib.sha256(plaintext).hexdigest()
    fingerprint = hashlib.sha256(f"{tender_id}\n{content_sha}".encode()).hexdigest()
    try:
        with transaction(ctx.session_factory) as session:
            # A share lock on the tender: submits to one tender run side by side (a national
            # tender takes all of a rush's bids), while the close, which locks the row for
            # update, waits for those in flight and is waited for by later ones, which then
            # find it closed. Racing submits of one bidder meet at the unique (tender,
            # live_org) and (organisation, key) indexes; the loser answers below as a retry.
            tender = load_tender(session, tender_id, identity, shared=True)
            if idempotency_key:
                stored = _stored(session, org, idempotency_key, fingerprint)
                if stored is not None:
                    return stored["status"], stored["body"]
            now = ctx.clock()
            _check_open(tender, now)
            lot_key = _check_lot(tender, body, identity)
            _check_against_tender(tender, body)
            live_as = live_key(org, lot_key)
            live = session.scalars(select(Bid.id).where(Bid.tender_id == tender.id,
                                                        Bid.live_org == live_as)).first()
            if live is not None:
                # The live bid may be this very request's, committed by a racing retry since
                # the key was looked up (submits do not wait for each other): answer as a retry.
                stored = _stored(session, org, idempotency_key, fingerprint) \
                    if idempotency_key else None
                if stored is not None:
                    return stored["status"], stored["body"]
                raise _duplicate(live)
            bid_id = new_id("bid")
            bid = Bid(id=bid_id, tender_id=tender.id, organisation_id=org,
                      organisation_name=identity.organisation_name,
                      submitted_by_user_id=identity.user_id, status=SUBMITTED,
                      live_org=live_as, lot_key=lot_key, version=1,
                      tender_version=tender.version,
                      ciphertext=encrypt_content(_data_key(ctx, tender), bid_id, 1, plaintext),
                      content_sha256=content_sha, created_at=now, submitted_at=now,
                      updated_at=now)
            session.add(bid)
            # The gateway only notes that this organisation follows the tender (reminders);
            # nobody is told of the bid.
            emit_notification(session, tender, "BidSubmitted", bid_id,
                              {"organisation_id": org})
            response = receipt_doc(bid)
            if idempotency_key:
                session.add(IdempotencyRecord(
                    id=new_id("idem"), organisation_id=org, key=idempotency_key,
                    request_sha256=fingerprint, response_status=201, response_body=response,
                    created_at=now))
            session.flush()
            return 201, response
    except IntegrityError:
        # A concurrent submit won the race: answer as its retry would be answered.
        with ctx.session_factory() as session:
            if idempotency_key:
                stored = _stored(session, org, idempotency_key, fingerprint)
                if stored is not None:
                    return stored["status"], stored["body"]
            live = session.scalars(select(Bid.id).where(
                Bid.tender_id == tender_id,
                Bid.live_org == live_key(org, body.get("lot_key")))).first()
        raise _duplicate(live) from None


def _duplicate(live_id: str | None) -> Conflict:
    return Conflict("Your organisation already has a live bid on this tender (or lot); "
                   "amend it with PUT or withdraw it first", bid_id=live_id)


def _own_bid(session: Session, bid_id: str, identity: Identity) -> tuple[Bid, Tender]:
    bid = session.scalars(select(Bid).where(Bid.id == bid_id).with_for_update()).first()
    if bid is None or not identity.organisation_id or bid.organisation_id != \
            identity.organisation_id:
        raise not_found("bid", bid_id)
    tender = session.scalars(select(Tender).where(Tender.id == bid.tender_id)
                             .with_for_update()).one()
    return bid, tender


def replace_bid(ctx: Context, identity: Identity, bid_id: str,
                body: dict[str, Any]) -> dict[str, Any]:
    """Replace a live bid's content before the deadline: version + 1 and a new receipt."""
    plaintext = canonical(body)
    with transaction(ctx.session_factory) as session:
        now = ctx.clock()
        bid, tender = _own_bid(session, bid_id, identity)
        _check_open(tender, now)
        if bid.status != SUBMITTED:
            raise Conflict(f"cannot amend a bid that is {bid.status}", current_status=bid.status)
        if _check_lot(tender, body, identity) != bid.lot_key:
            raise Invalid({"lot_key": [f"A bid stays on its lot ({bid.lot_key}); withdraw it "
                                       "and bid for the other lot instead."]})
        _check_against_tender(tender, body)
        bid.version += 1
        bid.tender_version = tender.version
        bid.ciphertext = encrypt_content(_data_key(ctx, tender), bid.id, bid.version, plaintext)
        bid.content_sha256 = hashlib.sha256(plaintext).hexdigest()
        bid.submitted_at = bid.updated_at = now
        return receipt_doc(bid, _receipt_documents(session, bid))


def withdraw_bid(ctx: Context, identity: Identity, bid_id: str) -> dict[str, Any]:
    """Withdraw a live bid before the deadline; the organisation may bid again."""
    with transaction(ctx.session_factory) as session:
        now = ctx.clock()
        bid, tender = _own_bid(session, bid_id, identity)
        _check_open(tender, now)
        if bid.status != SUBMITTED:
            raise Conflict(f"cannot withdraw a bid that is {bid.status}", current_status=bid.status)
        bid.status = WITHDRAWN
        bid.live_org = None
        bid.withdrawn_at = bid.updated_at = now
        return bid_doc(bid, tender, _content(ctx, tender, bid),
                       documents=_receipt_documents(session, bid))


def _receipt_documents(session: Session, bid: Bid) -> list[dict[str, Any]]:
    return [receipt_entry(d) for d in bid_documents(session, [bid.id]).get(bid.id, [])]


def _content(ctx: Context, tender: Tender, bid: Bid) -> dict[str, Any]:
    return json.loads(decrypt_content(_data_key(ctx, tender), bid.id, bid.version,
                                      bid.ciphertext))


def get_bid(ctx: Context, identity: Identity, bid_id: str) -> dict[str, Any]:
    """One bid, if the caller may read it now (same 404 as a bid that does not exist)."""
    now = ctx.clock()
    with ctx.session_factory() as session:
        bid = session.get(Bid, bid_id)
        tender = session.get(Tender, bid.tender_id) if bid is not None else None
        if bid is None or tender is None:
            raise not_found("bid", bid_id)
        access = bid_access(viewer_of(identity), facts_of(tender), bid.id,
                            bid.organisation_id, bid.status, now)
        if access is None:
            raise not_found("bid", bid_id)
        return bid_doc(bid, tender, _content(ctx, tender, bid), with_price=access == "full",
                       documents=_receipt_documents(session, bid))


def list_bids(ctx: Context, identity: Identity, tender_id: str,
              query: dict[str, Any]) -> dict[str, Any]:
    """Opened bids for owner, panel, auditor and admin after the deadline; own bids otherwise."""
    now = ctx.clock()
    with ctx.session_factory() as session:
        try:
            tender = load_tender(session, tender_id, identity)
        except NotFound:
            raise SEALED from None
        viewer, facts = viewer_of(identity), facts_of(tender)
        access = opened_access(viewer, facts, now)
        stmt = select(Bid).where(Bid.tender_id == tender.id)
        if access is not None:
            stmt = stmt.where(Bid.status == SUBMITTED)
            blocked = facts.panel_blocked.get(viewer.user_id or "")
            if access == "no_price" and blocked:  # a panel member's declared conflicts
                stmt = stmt.where(Bid.id.not_in(blocked))
        elif identity.has_role("bidder") and identity.organisation_id:
            stmt = stmt.where(Bid.organisation_id == identity.organisation_id)
        else:
            raise SEALED
        cursor = parse_cursor(query.get("cursor"))
        if cursor:
            created, last = cursor
            # Row-value keyset: one range scan of the (…, created_at, id) index to any page.
            stmt = stmt.where(tuple_(Bid.created_at, Bid.id) > tuple_(created, last))
        limit = query["limit"]
        rows = list(session.scalars(stmt.order_by(Bid.created_at, Bid.id).limit(limit + 1)))
        more, rows = len(rows) > limit, rows[:limit]
        items = []
        docs = bid_documents(session, [bid.id for bid in rows])
        for bid in rows:
            own = bid.organisation_id == identity.organisation_id
            items.append(bid_doc(bid, tender, _content(ctx, tender, bid),
                                 with_price=own or access == "full",
                                 documents=[receipt_entry(d) for d in docs.get(bid.id, [])]))
    next_cursor = None
    if more and rows:
        next_cursor = encode_cursor({"c": jsonable(rows[-1].created_at), "i": rows[-1].id})
    return {"items": items, "next_cursor": next_cursor}
