"""Tenders as scoring knows them, their opened bids and automated assessments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.scoring.adapters.tables.base import Base
from shared.db import UTCDateTime
from shared.lots import lot_keys, lot_view
from shared.time import now

# Local view of the tender lifecycle (commissioning owns the authoritative one).
PUBLISHED, CLOSED, EVALUATING, SCORED, AWARDED, CANCELLED = (
    "published", "closed", "evaluating", "scored", "awarded", "cancelled")


class Tender(Base):
    """A tender's public document, and from the deadline its frozen snapshot."""

    __tablename__ = "tenders"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organisation_id: Mapped[str | None] = mapped_column(String(64), index=True)
    owner_user_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    snapshot_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    @property
    def frozen(self) -> dict[str, Any]:
        """The criteria scoring runs against: the snapshot once closed, else the document."""
        return self.snapshot or self.document

    @property
    def evaluation(self) -> dict[str, Any]:
        """The tender's evaluation settings, defaults filled in (docs/architecture.md,
        "Default criteria and evaluation settings")."""
        raw = dict(self.frozen.get("evaluation") or {})
        raw.setdefault("mode", "panel")
        raw.setdefault("min_evaluators", 3)
        raw.setdefault("require_lived_experience", True)
        raw.setdefault("min_quality_share", 0.6)
        raw.setdefault("standstill_working_days", 8)
        return raw

    @property
    def lot_keys(self) -> list[str]:
        """The tender's lots in published order ([] without lots)."""
        return lot_keys(self.frozen)

    def judged(self, lot_key: str | None) -> dict[str, Any]:
        """The tender as the bids of this lot are judged (its criteria and price bounds); a
        lot it does not list (never accepted by commissioning) as the whole tender."""
        try:
            return lot_view(self.frozen, lot_key)
        except KeyError:
            return lot_view(self.frozen, None)


class Bid(Base):
    """A bid opened at the deadline, content exactly as submitted."""

    __tablename__ = "bids"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tender_id: Mapped[str] = mapped_column(ForeignKey("tenders.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(String(64), index=True)
    organisation_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    version: Mapped[int] = mapped_column(Integer)
    tender_version: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[str] = mapped_column(String(40))
    content_sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def lot_key(self) -> str | None:
        """The lot the bid is for (part of its content), None on a tender without lots."""
        return self.content.get("lot_key")


class Assessment(Base):
    """The automated structural assessment of one bid against one snapshot."""

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("bid_id", "snapshot_sha256"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tender_id: Mapped[str] = mapped_column(ForeignKey("tenders.id"), index=True)
    bid_id: Mapped[str] = mapped_column(ForeignKey("bids.id"))
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(40))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class ProcessedEvent(Base):
    """Queue messages already applied, written in the same transaction as their effect."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    job: Mapped[str] = mapped_column(String(80))
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
