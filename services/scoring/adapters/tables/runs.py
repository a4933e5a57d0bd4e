"""Scoring runs, their replays, and the award."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.scoring.adapters.tables.base import Base
from shared.db import UTCDateTime
from shared.time import now

QUEUED, RUNNING, COMPLETED, FAILED = "queued", "running", "completed", "failed"


class ScoringRun(Base):
    """An immutable scoring run: frozen inputs, model version, hashes, output."""

    __tablename__ = "scoring_runs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tender_id: Mapped[str] = mapped_column(ForeignKey("tenders.id"), index=True)
    lot_key: Mapped[str | None] = mapped_column(String(64), nullable=True)  # None: no lots
    status: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(20))
    model_version: Mapped[str] = mapped_column(String(40))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    input_sha256: Mapped[str] = mapped_column(String(64))
    output: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    output_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    requested_by: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Replay(Base):
    """An auditor's recomputation of a past run from its stored inputs."""

    __tablename__ = "replays"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("scoring_runs.id"), index=True)
    model_version: Mapped[str] = mapped_column(String(40))
    output_sha256: Mapped[str] = mapped_column(String(64))
    matches: Mapped[bool] = mapped_column(Boolean)
    actor_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


DECISION_AWARDED, DECISION_UNAWARDED = "awarded", "unawarded"  # an award decision's outcome
WHOLE_TENDER = ""  # the lot_key of a tender without lots (a primary key cannot be NULL)


class Award(Base):
    """The award decision: one per tender, or on a tender with lots one per lot (awarded to a
    bid, or the lot closed unawarded)."""

    __tablename__ = "award_decisions"

    tender_id: Mapped[str] = mapped_column(ForeignKey("tenders.id"), primary_key=True)
    lot_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(20))
    bid_id: Mapped[str | None] = mapped_column(ForeignKey("bids.id"), nullable=True)
    run_id: Mapped[str | None] = mapped_column(ForeignKey("scoring_runs.id"), nullable=True)
    justification: Mapped[str | None] = mapped_column(Text, nullable=True)
    awarded_by: Mapped[str] = mapped_column(String(64))
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    standstill_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def lot(self) -> str | None:
        """The lot's key, None on a tender without lots."""
        return self.lot_key or None
