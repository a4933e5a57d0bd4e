"""Contract performance ratings: frozen inputs, the model's output and their hashes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.scoring.adapters.tables.base import Base
from shared.db import UTCDateTime


class ContractRecord(Base):
    """The public contract as commissioning announced it (``ContractCreated``), for OCDS."""

    __tablename__ = "contracts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tender_id: Mapped[str] = mapped_column(String(64), index=True)
    doc: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PerformanceRating(Base):
    """One published rating of a contract's period; a later one for the same period (new
    validated results) supersedes it, and both stay."""

    __tablename__ = "performance_ratings"
    __table_args__ = (UniqueConstraint("contract_id", "period", "revision"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    contract_id: Mapped[str] = mapped_column(String(40), index=True)
    tender_id: Mapped[str] = mapped_column(String(64))
    period: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer)
    model_version: Mapped[str] = mapped_column(String(40))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    input_sha256: Mapped[str] = mapped_column(String(64))
    output: Mapped[dict[str, Any]] = mapped_column(JSON)
    output_sha256: Mapped[str] = mapped_column(String(64))
    rating: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
