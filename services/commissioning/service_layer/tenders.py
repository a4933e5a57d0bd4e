"""Tender use cases: create, edit, publish, amend, cancel, read and list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select, tuple_

from services.commissioning.adapters.crypto import new_wrapped_data_key
from services.commissioning.adapters.outbox import (
    emit_notification,
    emit_tender_event,
    schedule_close,
    send_events_now,
)
from services.commissioning.adapters.search import text_matches
from services.commissioning.adapters.tables import Bid, Tender
from services.commissioning.context import Context
from services.commissioning.domain import lifecycle
from services.commissioning.domain.bids import SUBMITTED
from services.commissioning.domain.lifecycle import IllegalTransition, next_state
from services.commissioning.domain.tenders import (
    check_amendment,
    check_deadlines,
    check_publishable,
    check_structure,
    complete_document,
)
from services.commissioning.service_layer.access import load_owned_tender, load_tender
from services.commissioning.service_layer.read_models import (
    apply_doc,
    jsonable,
    parse_cursor,
    tender_doc,
    working_doc,
)
from shared.db import transaction
from shared.errors import Conflict, Forbidden, Invalid
from shared.identity import Identity
from shared.ids import new_id
from shared.schemas import encode_cursor


def conflict(exc: IllegalTransition) -> Conflict:
    """A 409 whose detail names the tender's current state."""
    return Conflict(str(exc), current_status=exc.state)


def transition(tender: Tender, action: str) -> str:
    """The next state, or a 409 naming the current one."""
    try:
        return next_state(tender.status, action)
    except IllegalTransition as exc:
        raise conflict(exc) from None


def deadline_passed() -> Conflict:
    """The one answer to anything attempted at or after the submission deadline."""
    return Conflict("submission deadline has passed", title="Deadline passed")


def _prefixed(errors: dict[str, list[str]], prefix: str) -> dict[str, list[str]]:
    return {f"{prefix}{k}": v for k, v in errors.items()}


def _merge(doc: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = dict(doc)
    for key, value in changes.items():
        if key == "evaluation" and value is not None:
            merged["evaluation"] = {**(doc.get("evaluation") or {}), **value}
        else:
            merged[key] = value
    return complete_document(merged)


def create_tender(ctx: Context, identity: Identity, data: dict[str, Any]) -> dict[str, Any]:
    """Create a draft owned by the caller's organisation."""
    if not identity.organisation_id:
        raise Forbidden("A commissioner must belong to an organisation")
    now = ctx.clock()
    doc = complete_document(data)
    # A draft may be incomplete (weights short of 100, deadlines not yet right): publishing
    # checks completeness (docs/api.md, "Tenders"). Contradictions are refused at once.
    errors = check_structure(doc, check_weights=False)
    if errors:
        raise Invalid(errors)
    tender_id = new_id("tnd")
    tender = Tender(id=tender_id, status=lifecycle.DRAFT, version=1,
                    organisation_id=identity.organisation_id,
                    organisation_name=identity.organisation_name,
                    owner_user_id=identity.user_id, amendments=[], panel=None,
                    wrapped_data_key=new_wrapped_data_key(ctx.master_key, tender_id),
                    created_at=now, updated_at=now)
    apply_doc(tender, doc)
    with transaction(ctx.session_factory) as session:
        session.add(tender)
    return tender_doc(tender)


def update_tender(ctx: Context, identity: Identity, tender_id: str,
                  changes: dict[str, Any]) -> dict[str, Any]:
    """Edit a draft (the owner only)."""
    now = ctx.clock()
    with transaction(ctx.session_factory) as session:
        tender = load_owned_tender(session, tender_id, identity)
        transition(tender, "edit")
        doc = _merge(working_doc(tender), changes)
        errors = check_structure(doc, check_weights=False)  # completeness: at publish
        if errors:
            raise Invalid(errors)
        apply_doc(tender, doc)
        tender.updated_at = now
        return tender_doc(tender)


def publish_tender(ctx: Context, identity: Identity, tender_id: str) -> dict[str, Any]:
    """Publish a complete draft; the close is scheduled for its deadline."""
    now = ctx.clock()
    with transaction(ctx.session_factory) as session:
        tender = load_owned_tender(session, tender_id, identity)
        status = transition(tender, "publish")
        errors = check_publishable(working_doc(tender), now, ctx.periods)
        if errors:
            raise Invalid(errors, "The tender is not ready to publish: "
                                     + ", ".join(sorted(errors)))
        tender.status = status
        tender.published_at = tender.updated_at = now
        sent = [emit_tender_event(session, tender, "TenderPublished")]
        doc = tender_doc(tender)
    send_events_now(ctx, sent)  # scoring learns of the tender at once, so a panel can be set
    schedule_close(ctx, tender.id, tender.version, tender.submission_deadline)
    return doc


def amend_tender(ctx: Context, identity: Identity, tender_id: str, changes: dict[str, Any],
                 reason: str) -> dict[str, Any]:
    """Amend a published tender: a new version with its reason, visible to bidders."""
    now = ctx.clock()
    with transaction(ctx.session_factory) as session:
        tender = load_owned_tender(session, tender_id, identity)
        transition(tender, "amend")
        if now >= tender.submission_deadline:
            raise deadline_passed()
        doc = _merge(working_doc(tender), changes)
        errors = _prefixed(check_structure(doc, check_weights=True), "changes.")
        moved = tuple(k for k in ("clarification_deadline", "submission_deadline")
                      if k in changes)
        if moved:
            for path, msgs in _prefixed(check_deadlines(doc, now, required=True, changed=moved),
                                        "changes.").items():
                errors.setdefault(path, []).extend(msgs)
        for path, msgs in check_amendment(tender.submission_deadline,
                                          changes.get("submission_deadline"), now,
                                          ctx.periods).items():
            errors.setdefault(path, []).extend(msgs)
        if "lots" in changes and _lot_keys(doc) != _lot_keys(working_doc(tender)) and \
                session.scalar(select(Bid.id).where(Bid.tender_id == tender.id,
                                                    Bid.status == SUBMITTED).limit(1)):
            errors.setdefault("changes.lots", []).append(
                "Bids are in: the lots' keys cannot change (nor lots be added or removed), "
                "or bids would be left out of every lot's ranking.")
        if errors:
            raise Invalid(errors)
        deadline_moved = doc["submission_deadline"] != tender.submission_deadline
        apply_doc(tender, doc)
        tender.version += 1
        tender.updated_at = now
        tender.amendments = [*(tender.amendments or []), {
            "version": tender.version, "reason": reason, "changes": jsonable(changes),
            "amended_at": jsonable(now)}]
        sent = [emit_tender_event(session, tender, "TenderAmended"),
                emit_notification(session, tender, "TenderAmended",
                                  f"{tender.id}-v{tender.version}", {"version": tender.version})]
        result = tender_doc(tender)
    send_events_now(ctx, sent)
    if deadline_moved:
        schedule_close(ctx, tender.id, tender.version, tender.submission_deadline)
    return result


def _lot_keys(doc: dict[str, Any]) -> list[str]:
    return [lot["key"] for lot in doc.get("lots") or []]


def cancel_tender(ctx: Context, identity: Identity, tender_id: str, reason: str) -> dict[str, Any]:
    """Cancel a tender in any state before award (on a tender with lots, before any lot's)."""
    now = ctx.clock()
    with transaction(ctx.session_factory) as session:
        tender = load_owned_tender(session, tender_id, identity)
        awarded = [k for k, d in ((tender.award or {}).get("lots") or {}).items()
                   if d.get("status") == "awarded"]
        if awarded:
            raise Conflict("Lot " + ", ".join(sorted(awarded)) + " has been awarded: close the "
                           "other lots unawarded instead of cancelling the tender.",
                           current_status=tender.status)
        tender.status = transition(tender, "cancel")
        tender.cancelled_at = tender.updated_at = now
        tender.cancel_reason = reason
        sent = []
        if tender.published_at is not None:  # scoring never heard of a draft
            sent.append(emit_tender_event(session, tender, "TenderCancelled"))
            sent.append(emit_notification(session, tender, "TenderCancelled", tender.id))
        doc = tender_doc(tender)
    send_events_now(ctx, sent)
    return doc


def get_tender(ctx: Context, identity: Identity, tender_id: str) -> dict[str, Any]:
    """One tender, if the caller may see it."""
    with ctx.session_factory() as session:
        return tender_doc(load_tender(session, tender_id, identity))


def list_tenders(ctx: Context, identity: Identity, query: dict[str, Any]) -> dict[str, Any]:
    """Non-draft tenders for everyone, plus the caller's organisation's drafts (commissioners)."""
    visible = Tender.status != lifecycle.DRAFT
    if identity.has_role("commissioner") and identity.organisation_id:
        visible = or_(visible, Tender.organisation_id == identity.organisation_id)
    stmt = select(Tender).where(visible)
    if query.get("status"):
        stmt = stmt.where(Tender.status == query["status"])
    if query.get("service_area"):
        stmt = stmt.where(Tender.service_area == query["service_area"])
    cursor = parse_cursor(query.get("cursor"))
    if cursor:
        created, last_id = cursor
        # a row-value comparison: one range scan of ix_tenders_created_at_id to any page
        stmt = stmt.where(tuple_(Tender.created_at, Tender.id) < tuple_(created, last_id))
    limit = query["limit"]
    stmt = stmt.order_by(Tender.created_at.desc(), Tender.id.desc()).limit(limit + 1)
    with ctx.session_factory() as session:
        if query.get("q"):
            stmt = stmt.where(text_matches(session, query["q"]))
        rows = list(session.scalars(stmt))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        next_cursor = encode_cursor({"c": jsonable(rows[-1].created_at), "i": rows[-1].id})
    return {"items": [tender_doc(t) for t in rows], "next_cursor": next_cursor}
