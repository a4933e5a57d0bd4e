"""The evaluation panel, conflict declarations, individual scores and moderation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.scoring.adapters.tables.base import Base
from shared.db import UTCDateTime
from shared.time import now

EVALUATOR, MODERATOR = "evaluator", "moderator"


class PanelMember(Base):
    """One member of a tender's panel (replaced as a whole by ``PUT /panel``)."""

    __tablename__ = "panel_members"
    __table_args__ = (UniqueConstraint("tender_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tender_id: Mapped[str] = mapped_column(ForeignKey("tenders.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    lived_experience: Mapped[bool] = mapped_column(Boolean, default=False)
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class ConflictStatement(Base):
    """A panel member's declaration of interests for a tender (one or more rows per member)."""

    __tablename__ = "conflict_statements"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tender_id: Mapped[str] = mapped_column(ForeignKey("tenders.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class ConflictDeclaration(Base):
    """One line of a statement: an interest in a bid or an organisation."""

    __tablename__ = "conflict_declarations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    statement_id: Mapped[str] = mapped_column(ForeignKey("conflict_statements.id"), index=True)
    tender_id: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[str] = mapped_column(String(64))
    bid_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    organisation: Mapped[str | None] = mapped_column(String(300), nullable=True)
    has_conflict: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str] = mapped_column(Text, default="")


class Score(Base):
    """An individual evaluator's score; a change is a new row, never an update."""

    __tablename__ = "scores"
    # Concurrent changes of one score collide here instead of forking its history.
    __table_args__ = (UniqueConstraint("bid_id", "criterion_key", "evaluator_id", "revision"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tender_id: Mapped[str] = mapped_column(ForeignKey("tenders.id"), index=True)
    bid_id: Mapped[str] = mapped_column(ForeignKey("bids.id"), index=True)
    criterion_key: Mapped[str] = mapped_column(String(40))
    evaluator_id: Mapped[str] = mapped_column(String(64), index=True)
    score: Mapped[int] = mapped_column(Integer)
    justification: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    revision: Mapped[int] = mapped_column(Integer)
    supersedes_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Moderation(Base):
    """The moderator's consensus score where individual scores diverge."""

    __tablename__ = "moderations"
    __table_args__ = (UniqueConstraint("bid_id", "criterion_key", "revision"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tender_id: Mapped[str] = mapped_column(ForeignKey("tenders.id"), index=True)
    bid_id: Mapped[str] = mapped_column(ForeignKey("bids.id"), index=True)
    criterion_key: Mapped[str] = mapped_column(String(40))
    moderator_id: Mapped[str] = mapped_column(String(64))
    score: Mapped[int] = mapped_column(Integer)
    rationale: Mapped[str] = mapped_column(Text)
    individual_scores: Mapped[list[int]] = mapped_column(JSON)  # the diverging scores it settled
    revision: Mapped[int] = mapped_column(Integer)
    supersedes_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
