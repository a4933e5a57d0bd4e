"""A user's notices in the portal: the list with unread counts, read marks, mutes, follows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from services.gateway.adapters.notification_tables import Follow, Mute, Notification
from services.gateway.domain import notifications as rules
from services.gateway.service_layer.notifications import follow
from shared.db import transaction
from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.identity import Identity

if TYPE_CHECKING:
    from services.gateway.context import Context

MAX_PAGE = 200


def notification_document(note: Notification) -> dict[str, Any]:
    """A notice as its recipient reads it."""
    return {"id": note.id, "kind": note.kind, "tender_id": note.tender_id,
            "subject": note.subject, "body": note.body, "link": note.link,
            "created_at": note.created_at, "read_at": note.read_at,
            "unread": note.read_at is None}


def list_notifications(ctx: Context, user_id: str, unread_only: bool = False,
                       limit: int = 50) -> dict[str, Any]:
    """The user's notices, newest first, and how many are unread."""
    with ctx.session_factory() as session:
        stmt = select(Notification).where(Notification.user_id == user_id)
        if unread_only:
            stmt = stmt.where(Notification.read_at.is_(None))
        rows = session.scalars(stmt.order_by(Notification.created_at.desc(),
                                             Notification.id.desc())
                               .limit(min(limit, MAX_PAGE))).all()
        return {"items": [notification_document(n) for n in rows],
                "unread": unread_count(ctx, user_id, session), "next_cursor": None}


def unread_count(ctx: Context, user_id: str, session=None) -> int:
    """How many of the user's notices are unread."""
    stmt = select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))
    if session is not None:
        return int(session.scalar(stmt) or 0)
    with ctx.session_factory() as own:
        return int(own.scalar(stmt) or 0)


def mark_read(ctx: Context, user_id: str, notification_id: str) -> dict[str, Any]:
    """Mark one of the user's notices read (someone else's is a 404, like a missing one)."""
    with transaction(ctx.session_factory) as session:
        note = session.get(Notification, notification_id)
        if note is None or note.user_id != user_id:
            raise NotFound("No such notification")
        if note.read_at is None:
            note.read_at = ctx.clock()
        return notification_document(note)


def mark_all_read(ctx: Context, user_id: str) -> dict[str, int]:
    """Mark every notice of the user read."""
    now = ctx.clock()
    with transaction(ctx.session_factory) as session:
        for note in session.scalars(select(Notification).where(
                Notification.user_id == user_id, Notification.read_at.is_(None))):
            note.read_at = now
    return {"unread": 0}


def preferences(ctx: Context, user_id: str) -> dict[str, Any]:
    """Every kind of notice, whether it can be muted and whether the user muted it."""
    with ctx.session_factory() as session:
        muted = set(session.scalars(select(Mute.kind).where(Mute.user_id == user_id)))
    return {"muted": sorted(muted & set(rules.MUTABLE)),
            "kinds": [{"kind": k.name, "label": k.label, "mutable": k.mutable,
                       "muted": k.name in muted and k.mutable} for k in rules.KINDS.values()]}


def set_muted(ctx: Context, user_id: str, kinds: list[str]) -> dict[str, Any]:
    """Replace the user's mutes; a required or unknown kind is a 422 naming it."""
    wrong = [k for k in kinds if k not in rules.KINDS]
    required = [k for k in kinds if k in rules.KINDS and not rules.KINDS[k].mutable]
    if wrong or required:
        problems = [f"Unknown kind: {k}." for k in wrong] + [
            f"{k} is a legally required notice and cannot be muted." for k in required]
        raise Invalid({"muted": problems})
    with transaction(ctx.session_factory) as session:
        for row in session.scalars(select(Mute).where(Mute.user_id == user_id)):
            session.delete(row)
        session.flush()
        for kind in dict.fromkeys(kinds):
            session.add(Mute(user_id=user_id, kind=kind))
    return preferences(ctx, user_id)


def follow_document(row: Follow) -> dict[str, Any]:
    """A followed tender."""
    return {"tender_id": row.tender_id, "tender_title": row.tender_title, "reason": row.reason,
            "submission_deadline": row.submission_deadline, "created_at": row.created_at}


def _organisation(identity: Identity) -> str:
    if "bidder" not in identity.roles or not identity.organisation_id:
        raise Forbidden("Only a bidder's organisation follows tenders")
    return identity.organisation_id


def list_follows(ctx: Context, identity: Identity) -> dict[str, Any]:
    """The tenders the caller's organisation follows."""
    org = _organisation(identity)
    with ctx.session_factory() as session:
        rows = session.scalars(select(Follow).where(Follow.organisation_id == org)
                               .order_by(Follow.created_at.desc()).limit(MAX_PAGE)).all()
        return {"items": [follow_document(r) for r in rows], "next_cursor": None}


def follow_tender(ctx: Context, identity: Identity, tender: dict[str, Any]) -> dict[str, Any]:
    """Follow a published tender (the view has checked with commissioning that it exists)."""
    org = _organisation(identity)
    with transaction(ctx.session_factory) as session:
        follow(session, tender["id"], org, "follow", False, tender, ctx.clock())
        session.flush()
        return follow_document(session.get(Follow, (tender["id"], org)))


def unfollow_tender(ctx: Context, identity: Identity, tender_id: str) -> None:
    """Stop following; an organisation that asked or bid keeps following (it must hear of
    amendments and answers)."""
    org = _organisation(identity)
    with transaction(ctx.session_factory) as session:
        row = session.get(Follow, (tender_id, org))
        if row is None:
            raise NotFound("Your organisation does not follow this tender")
        if row.reason != "follow":
            raise Conflict(f"Your organisation follows this tender because of its {row.reason};"
                           " it keeps hearing of answers and amendments")
        session.delete(row)
