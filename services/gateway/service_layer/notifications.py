"""Notifications: events become one notice per (event, recipient), each mailed by its own job.

An event is applied once (processed-events table) in one transaction that writes the
notices, their deliveries and the outbox rows of their send jobs; a notice is unique per
(key, user), so replays and repeated sweeps make none twice. Sending records every attempt;
a delivery already sent is never sent again (docs/architecture.md, "Notifications").
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from services.gateway.adapters import mail
from services.gateway.adapters.notification_tables import (
    Delivery,
    DeliveryAttempt,
    Follow,
    Mute,
    Notification,
    ProcessedEvent,
    outbox,
)
from services.gateway.adapters.tables import Organisation, User
from services.gateway.domain import notifications as rules
from shared.contracts import JOB_QUEUES, SCHEMA_VERSION, SEND_NOTIFICATION
from shared.db import transaction
from shared.faults import pause_point
from shared.ids import new_id
from shared.outbox import add_event, send_now
from shared.time import parse_rfc3339

if TYPE_CHECKING:
    from services.gateway.context import Context

log = structlog.get_logger("coprocure.gateway.notifications")


def _deadline(tender: dict[str, Any]) -> datetime | None:
    raw = tender.get("submission_deadline")
    try:
        return parse_rfc3339(raw) if raw else None
    except ValueError:
        return None


def follow(session: Session, tender_id: str, organisation_id: str, reason: str,
           has_bid: bool, tender: dict[str, Any], now: datetime) -> None:
    """Make (or keep) the organisation a follower; a bid marks it for deadline reminders."""
    row = session.get(Follow, (tender_id, organisation_id))
    if row is None:
        row = Follow(tender_id=tender_id, organisation_id=organisation_id, reason=reason,
                     has_bid=has_bid, created_at=now)
        session.add(row)
    elif has_bid:
        row.has_bid, row.reason = True, "bid"
    _refresh(row, tender)


def _refresh(row: Follow, tender: dict[str, Any]) -> None:
    for name, value in _facts(tender).items():
        setattr(row, name, value)


def _refresh_followers(session: Session, tender_id: str, tender: dict[str, Any],
                       cancelled: bool) -> None:
    """Bring every follow of the tender up to the event's facts, in one UPDATE touching only
    the rows that differ: most events (a bid each, in a rush) change nothing, and loading
    every follow for each of them made a tender's N bids cost N² row loads."""
    facts = _facts(tender)
    if cancelled:
        facts["submission_deadline"] = None  # no more reminders
    if not facts:
        return
    differs = or_(*(getattr(Follow, name).is_distinct_from(value)
                    for name, value in facts.items()))
    session.execute(update(Follow).where(Follow.tender_id == tender_id, differs).values(facts)
                    .execution_options(synchronize_session=False))


def _facts(tender: dict[str, Any]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    if tender.get("title"):
        facts["tender_title"] = rules.one_line(tender["title"], 300)
    if "submission_deadline" in tender:
        facts["submission_deadline"] = _deadline(tender)
    return facts


def _recipients(session: Session, audience: rules.Audience, tender_id: str) -> list[User]:
    if audience.users:
        stmt = select(User).where(User.id.in_(audience.users))
        return [u for u in session.scalars(stmt) if u.active]
    orgs = list(audience.organisations)
    role = audience.role
    if audience.followers:
        orgs = list(session.scalars(select(Follow.organisation_id)
                                    .where(Follow.tender_id == tender_id)))
        role = "bidder"
    if not orgs:
        return []
    users = session.scalars(select(User).where(User.organisation_id.in_(orgs))
                            .order_by(User.id))
    return [u for u in users if u.active and (role is None or role in (u.roles or []))]


def _notify(session: Session, ctx: Context, user: User, kind: str, key: str,
            facts: dict[str, Any], tender_id: str | None, title: str | None,
            now: datetime) -> str | None:
    """One notice and its delivery for a user; the send job's id, None if muted or known."""
    if rules.KINDS[kind].mutable and session.get(Mute, (user.id, kind)) is not None:
        return None
    if session.scalar(select(Notification.id).where(Notification.key == key,
                                                    Notification.user_id == user.id)):
        return None
    letter = rules.render(kind, facts, tender_id, title, ctx.mail.get("PUBLIC_URL", ""))
    note = Notification(id=new_id("ntf"), key=key, user_id=user.id, kind=kind,
                        tender_id=tender_id, subject=letter.subject,
                        body="\n\n".join(letter.paragraphs), link=letter.link,
                        link_text=letter.link_text, created_at=now)
    delivery_id = new_id("dlv")
    session.add(note)
    session.flush()
    session.add(Delivery(id=delivery_id, notification_id=note.id, address=user.email,
                         status="pending", attempts=0, created_at=now,
                         message_id=f"<{delivery_id}@coprocure>"))
    return _queue_send(session, delivery_id)


def _queue_send(session: Session, delivery_id: str, suffix: str = "") -> str:
    job_id = f"mail-{delivery_id}{suffix}"
    add_event(session, outbox, event_type="SendNotification",
              queue=JOB_QUEUES[SEND_NOTIFICATION], job_name=SEND_NOTIFICATION, job_id=job_id,
              payload={"schema_version": SCHEMA_VERSION, "event_id": job_id,
                       "delivery_id": delivery_id})
    return job_id


def _send_now(ctx: Context, job_ids: list[str]) -> None:
    if job_ids:
        send_now(ctx.session_factory, outbox, ctx.redis, job_ids)


def record_event(ctx: Context, event: dict[str, Any]) -> str:
    """Apply a NotificationEvent once: follows, then one notice per recipient."""
    now = ctx.clock()
    tender_id, tender = event["tender_id"], event.get("tender") or {}
    with transaction(ctx.session_factory) as session:
        if session.get(ProcessedEvent, event["event_id"]) is not None:
            return "duplicate"
        effect = rules.follow_effect(event["event_type"], event["data"])
        if effect is not None:
            follow(session, tender_id, effect.organisation_id, effect.reason, effect.has_bid,
                   tender, now)
            session.flush()
        for org in rules.interested(event["data"]):
            # Asked or bid: following, even if that event has not reached us yet.
            if session.get(Organisation, org) is not None:
                follow(session, tender_id, org, "interest", False, tender, now)
        session.flush()
        _refresh_followers(session, tender_id, tender,
                           cancelled=event["event_type"] == "TenderCancelled")
        jobs: list[str] = []
        for audience in rules.audiences(event["event_type"], tender_id, tender, event["data"]):
            for user in _recipients(session, audience, tender_id):
                job = _notify(session, ctx, user, audience.kind, audience.key, audience.facts,
                              tender_id, tender.get("title"), now)
                jobs += [job] if job else []
        session.add(ProcessedEvent(event_id=event["event_id"], event_type=event["event_type"],
                                   processed_at=now))
    _send_now(ctx, jobs)
    log.info("notification_event_recorded", event_id=event["event_id"], letters=len(jobs))
    return f"{len(jobs)} letters"


def send_reminders(ctx: Context) -> int:
    """Deadline reminders to following organisations' bidders (each offset once)."""
    now = ctx.clock()
    offsets = tuple(ctx.mail.get("DEADLINE_REMINDER_HOURS") or ())
    if not offsets:
        return 0
    jobs: list[str] = []
    with transaction(ctx.session_factory) as session:
        # Only follows inside the widest reminder window that have not had the most urgent
        # reminder yet; of those, only the ones a more urgent offset has reached since.
        rows = session.scalars(select(Follow).where(
            Follow.submission_deadline > now,
            Follow.submission_deadline <= now + timedelta(hours=max(offsets)),
            or_(Follow.reminded_hours.is_(None), Follow.reminded_hours > min(offsets)))).all()
        for row in rows:
            hours = rules.due_reminder(row.submission_deadline, now, offsets)
            if hours is None or (row.reminded_hours is not None and row.reminded_hours <= hours):
                continue
            row.reminded_hours = hours
            label = rules.offset_label(hours)
            audience = rules.Audience("deadline_reminder",
                                      f"reminder-{row.tender_id}-{label}",
                                      (row.organisation_id,), "bidder")
            deadline = row.submission_deadline.strftime("%Y-%m-%dT%H:%MZ")  # to the minute
            facts = {"hours": f"{hours:g}", "deadline": deadline}
            for user in _recipients(session, audience, row.tender_id):
                job = _notify(session, ctx, user, audience.kind, audience.key, facts,
                              row.tender_id, row.tender_title, now)
                jobs += [job] if job else []
    _send_now(ctx, jobs)
    return len(jobs)


def _letter_of(note: Notification) -> rules.Letter:
    return rules.Letter(note.subject, tuple(note.body.split("\n\n")), note.link,
                        note.link_text or "Open in coprocure")


def send_delivery(ctx: Context, delivery_id: str, last_attempt: bool) -> str:
    """Send one delivery unless already sent, recording the attempt; raise on SMTP failure
    so the queue retries with backoff (``last_attempt``: mark it failed for the admins)."""
    now = ctx.clock()
    with transaction(ctx.session_factory) as session:
        delivery = session.scalars(select(Delivery).where(Delivery.id == delivery_id)
                                   .with_for_update()).first()
        if delivery is None:
            return "missing"
        if delivery.status == "sent":
            return "already sent"
        for old in session.scalars(select(DeliveryAttempt).where(
                DeliveryAttempt.delivery_id == delivery_id,
                DeliveryAttempt.outcome == "started")):
            old.outcome = "interrupted"  # its process died mid-attempt
        delivery.attempts += 1
        number = delivery.attempts
        session.add(DeliveryAttempt(delivery_id=delivery_id, number=number, started_at=now,
                                    outcome="started"))
        note = session.get(Notification, delivery.notification_id)
        letter = _letter_of(note)
        msg = mail.build_message(ctx.mail["MAIL_FROM"], delivery.address, letter.subject,
                                 letter.text(), letter.html(), delivery.message_id, now)
    pause_point("send_notification")
    try:
        mail.deliver(ctx.mail["MAIL"], msg)
    except Exception as exc:
        _finish(ctx, delivery_id, number, "failed", repr(exc)[:2000], last_attempt)
        raise
    _finish(ctx, delivery_id, number, "sent", None, last_attempt)
    return "sent"


def _finish(ctx: Context, delivery_id: str, number: int, outcome: str, error: str | None,
            last_attempt: bool) -> None:
    now = ctx.clock()
    with transaction(ctx.session_factory) as session:
        delivery = session.get(Delivery, delivery_id)
        attempt = session.get(DeliveryAttempt, (delivery_id, number))
        if attempt is not None:
            attempt.outcome, attempt.error, attempt.ended_at = outcome, error, now
        if outcome == "sent":
            delivery.status, delivery.sent_at, delivery.last_error = "sent", now, None
        else:
            delivery.last_error = error
            if last_attempt:
                delivery.status = "failed"


def failed_deliveries(ctx: Context, status: str = "failed", limit: int = 200) -> list[dict]:
    """Deliveries in a state (failed by default), newest first, for the admins."""
    with ctx.session_factory() as session:
        rows = session.execute(
            select(Delivery, Notification).join(Notification,
                                                Notification.id == Delivery.notification_id)
            .where(Delivery.status == status).order_by(Delivery.created_at.desc())
            .limit(limit)).all()
        return [delivery_document(d, n) for d, n in rows]


def delivery_document(delivery: Delivery, note: Notification) -> dict[str, Any]:
    """A delivery as admins see it (the address, never the letter's body)."""
    return {"id": delivery.id, "notification_id": note.id, "kind": note.kind,
            "tender_id": note.tender_id, "user_id": note.user_id, "address": delivery.address,
            "status": delivery.status, "attempts": delivery.attempts,
            "last_error": delivery.last_error, "created_at": delivery.created_at,
            "sent_at": delivery.sent_at}


def retry_delivery(ctx: Context, delivery_id: str) -> dict[str, Any]:
    """An admin sends a failed delivery again (a fresh job; the sent check still holds)."""
    from shared.errors import Conflict, NotFound

    with transaction(ctx.session_factory) as session:
        delivery = session.scalars(select(Delivery).where(Delivery.id == delivery_id)
                                   .with_for_update()).first()
        if delivery is None:
            raise NotFound(f"No delivery {delivery_id}")
        if delivery.status != "failed":
            raise Conflict(f"Only a failed delivery can be retried; this one is "
                           f"{delivery.status}")
        delivery.status = "pending"
        job = _queue_send(session, delivery_id, f"-r{delivery.attempts}")
        doc = delivery_document(delivery, session.get(Notification, delivery.notification_id))
    _send_now(ctx, [job])
    return doc
