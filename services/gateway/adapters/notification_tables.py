"""Notification tables: follows, mutes, notifications, e-mail deliveries and their attempts,
plus the gateway's outbox, failed-jobs and processed-events records (docs/architecture.md,
"Notifications")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.gateway.adapters.tables import Base, metadata
from shared.db import UTCDateTime
from shared.failed_jobs import failed_jobs_table
from shared.outbox import outbox_table


class Follow(Base):
    """An organisation follows a tender (by hand, or because it asked or bid)."""

    __tablename__ = "follows"

    tender_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"),
                                                 primary_key=True)
    reason: Mapped[str] = mapped_column(String(20))  # follow | question | bid
    has_bid: Mapped[bool] = mapped_column(Boolean, default=False)
    # Public facts the reminders need, refreshed from each event about the tender.
    tender_title: Mapped[str | None] = mapped_column(String(300), nullable=True)
    submission_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True,
                                                                 index=True)
    # The most urgent reminder offset (hours) already handled: a tick skips the follow until a
    # more urgent one is due, instead of asking again about every user's notice.
    reminded_hours: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Mute(Base):
    """A user does not want this kind of optional notice."""

    __tablename__ = "notification_mutes"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)


class Notification(Base):
    """One notice to one user, shown in the portal; unique per (key, user) so an event
    replayed or a reminder swept twice makes one."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("key", "user_id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    tender_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500), nullable=True)
    link_text: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Delivery(Base):
    """The e-mail of one notification: pending → sent, or failed after its retries."""

    __tablename__ = "deliveries"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    notification_id: Mapped[str] = mapped_column(ForeignKey("notifications.id"), unique=True)
    address: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(20), index=True)  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    message_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DeliveryAttempt(Base):
    """One try at sending a delivery, with its outcome."""

    __tablename__ = "delivery_attempts"

    delivery_id: Mapped[str] = mapped_column(ForeignKey("deliveries.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    outcome: Mapped[str] = mapped_column(String(20))  # started | sent | failed
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class ProcessedEvent(Base):
    """Notification events already turned into letters (idempotent consumer)."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(40))
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime)


outbox = outbox_table(metadata)
failed_jobs = failed_jobs_table(metadata)
