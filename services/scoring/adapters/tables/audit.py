"""Audit log tables: entries (with their exact canonical line), payloads, nodes, tree heads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.scoring.adapters.tables.base import Base
from shared.db import UTCDateTime

# Tables guarded by the no-UPDATE/no-DELETE triggers of migration 0003_audit.
GUARDED_TABLES = ("audit_entries", "audit_payloads", "audit_nodes", "audit_tree_heads")


class AuditEntry(Base):
    """One log entry: queryable columns plus ``line``, the exact RFC 8785 bytes hashed as leaf."""

    __tablename__ = "audit_entries"
    # Auditor pages filter on one column and go in seq order (migration 0004).
    __table_args__ = tuple(Index(f"ix_audit_entries_{c}_seq", c, "seq") for c in (
        "tender_id", "bid_id", "actor_id", "evaluator_id", "criterion_key", "event_type",
        "object_id"))

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    event_type: Mapped[str] = mapped_column(String(60))
    tender_id: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(64))
    bid_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    criterion_key: Mapped[str | None] = mapped_column(String(40), nullable=True)
    actor_id: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(40))
    evaluator_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    line: Mapped[str] = mapped_column(Text)
    leaf_hash: Mapped[str] = mapped_column(String(64))


class AuditPayload(Base):
    """An entry's payload (canonical JSON), kept beside the log so it can be withheld."""

    __tablename__ = "audit_payloads"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    payload: Mapped[str] = mapped_column(Text)
    withheld: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditNode(Base):
    """A perfect Merkle subtree hash: ``(level, idx)`` covers leaves idx*2^level onwards."""

    __tablename__ = "audit_nodes"

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class AuditTreeHead(Base):
    """A signed tree head published at a milestone or on request."""

    __tablename__ = "audit_tree_heads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tree_size: Mapped[int] = mapped_column(Integer, index=True)
    root_hash: Mapped[str] = mapped_column(String(64))
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime)
    key_id: Mapped[str] = mapped_column(String(16))
    checkpoint: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(100))
    milestone: Mapped[str] = mapped_column(String(60))


class AuditMaintenance(Base):
    """One-row latch the SQLite DELETE triggers consult; only a test wipe opens it (in its tx).

    PostgreSQL needs none (TRUNCATE, the owner's tool, skips row triggers), so there it is unused.
    """

    __tablename__ = "audit_maintenance"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    unlocked: Mapped[bool] = mapped_column(Boolean, default=False)
