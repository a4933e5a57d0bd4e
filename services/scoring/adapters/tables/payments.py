"""Outcome payment runs: frozen inputs, the model's output and their hashes, one row per run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.scoring.adapters.tables.base import Base
from shared.db import UTCDateTime


class PaymentRun(Base):
    """One calculation of a contract's outcome payments; a later one (new decisions) supersedes
    it and both stay. Unique inputs per contract: the same inputs are never recorded twice, so
    a job that runs twice (or a retry after a worker died) records one run."""

    __tablename__ = "payment_runs"
    __table_args__ = (UniqueConstraint("contract_id", "revision"),
                      UniqueConstraint("contract_id", "input_sha256",
                                       name="uq_payment_runs_inputs"))

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    contract_id: Mapped[str] = mapped_column(String(40), index=True)
    tender_id: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer)
    model_version: Mapped[str] = mapped_column(String(40))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    input_sha256: Mapped[str] = mapped_column(String(64))
    output: Mapped[dict[str, Any]] = mapped_column(JSON)
    output_sha256: Mapped[str] = mapped_column(String(64))
    total: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
