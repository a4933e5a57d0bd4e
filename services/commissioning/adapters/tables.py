"""ORM models of the commissioning service: tenders, sealed bids, questions, idempotency."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, make_metadata
from shared.failed_jobs import failed_jobs_table
from shared.outbox import outbox_blobs_table, outbox_table

metadata = make_metadata()


class Base(DeclarativeBase):
    """Declarative base bound to this service's metadata."""

    metadata = metadata


class Tender(Base):
    """A tender: the published document, its lifecycle state and its sealed-bid data key."""

    __tablename__ = "tenders"
    # keyset pages; on PostgreSQL also trigram indexes on title and description (migration 0010)
    __table_args__ = (Index("ix_tenders_created_at_id", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    organisation_id: Mapped[str] = mapped_column(String(100), index=True)
    organisation_name: Mapped[str | None] = mapped_column(String(300))
    owner_user_id: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    service_area: Mapped[str | None] = mapped_column(String(100), index=True)
    estimated_value: Mapped[dict | None] = mapped_column(JSON)
    clarification_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submission_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    lots: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # None: no lots
    price: Mapped[dict[str, Any]] = mapped_column(JSON)
    evaluation: Mapped[dict[str, Any]] = mapped_column(JSON)
    amendments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    panel: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    wrapped_data_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    evaluation_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_run: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    award: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    awarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    standstill_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    rate_card: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    source: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Bid(Base):
    """A sealed bid: metadata in clear, content (price, responses, plan) encrypted."""

    __tablename__ = "bids"
    # One live bid per organisation per tender: live_org is NULL once withdrawn. A bidder's
    # own bids on a tender page by (created_at, id) in one range scan (migration 0013).
    __table_args__ = (UniqueConstraint("tender_id", "live_org"),
                      Index("ix_bids_tender_org_created_at_id", "tender_id", "organisation_id",
                            "created_at", "id"))

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tender_id: Mapped[str] = mapped_column(ForeignKey("tenders.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(String(100), index=True)
    organisation_name: Mapped[str | None] = mapped_column(String(300))
    submitted_by_user_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    live_org: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    tender_version: Mapped[int] = mapped_column(Integer)
    lot_key: Mapped[str | None] = mapped_column(String(32))  # None: a tender without lots
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    content_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Question(Base):
    """A clarification question; the asker is shown only to the owner commissioner."""

    __tablename__ = "questions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tender_id: Mapped[str] = mapped_column(ForeignKey("tenders.id"), index=True)
    asker_user_id: Mapped[str] = mapped_column(String(100))
    asker_organisation_id: Mapped[str | None] = mapped_column(String(100))
    asker_organisation_name: Mapped[str | None] = mapped_column(String(300))
    question: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_user_id: Mapped[str | None] = mapped_column(String(100))


class IdempotencyRecord(Base):
    """The stored response of a submit made with an ``Idempotency-Key``."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(200))
    request_sha256: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProcessedEvent(Base):
    """Incoming queue events already applied (idempotent consumer)."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(40))
    tender_id: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(200))
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Contract(Base):
    """The contract made from an award when the standstill ends: parties, value, term and the
    agreed metrics (versioned: ``changes`` logs each agreed change or variation)."""

    __tablename__ = "contracts"
    # one per awarded bid: a tender's one contract, or one per awarded lot
    __table_args__ = (UniqueConstraint("tender_id", "bid_id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tender_id: Mapped[str] = mapped_column(ForeignKey("tenders.id"))
    lot_key: Mapped[str | None] = mapped_column(String(32))  # None: a tender without lots
    bid_id: Mapped[str] = mapped_column(String(40))
    buyer_organisation_id: Mapped[str] = mapped_column(String(100), index=True)
    buyer_name: Mapped[str | None] = mapped_column(String(300))
    supplier_organisation_id: Mapped[str] = mapped_column(String(100), index=True)
    supplier_name: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(300))
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    metrics: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    rate_card: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ContractAssessor(Base):
    """A person the commissioner invited to co-assess (reviewer) or validate (validator)."""

    __tablename__ = "contract_assessors"

    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    lived_experience: Mapped[bool] = mapped_column(default=False)
    invited_by: Mapped[str] = mapped_column(String(100))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MetricReport(Base):
    """The provider's result for one metric and period; a correction is a new version."""

    __tablename__ = "metric_reports"
    __table_args__ = (UniqueConstraint("contract_id", "metric_id", "period", "version"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"), index=True)
    metric_id: Mapped[str] = mapped_column(String(20))
    period: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    supersedes: Mapped[str | None] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(40))  # the exact decimal as reported
    unit: Mapped[str] = mapped_column(String(20))
    people_engaged: Mapped[int] = mapped_column(Integer)
    people_with_outcome: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    late: Mapped[bool] = mapped_column(default=False)
    submitted_by: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReportEntry(Base):
    """Something said about a report, never overwritten: a reviewer's verdict, the
    commissioner's or validator's decision, or the provider's reply to a dispute."""

    __tablename__ = "report_entries"
    __table_args__ = (UniqueConstraint("report_id", "seq"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("metric_reports.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per report: the order things were said
    kind: Mapped[str] = mapped_column(String(20))  # review | decision | reply
    verdict: Mapped[str | None] = mapped_column(String(20))  # agree/partly/disagree, decisions
    comment: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str] = mapped_column(String(100))
    author_role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Document(Base):
    """A tender's or a bid's document: metadata here, the sealed blocks in the document store
    under ``id`` (docs/architecture.md, "Documents")."""

    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tender_id: Mapped[str] = mapped_column(ForeignKey("tenders.id"), index=True)
    bid_id: Mapped[str | None] = mapped_column(ForeignKey("bids.id"), index=True)
    # a clarification attachment: published with the answer to this question
    question_id: Mapped[str | None] = mapped_column(ForeignKey("questions.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(10))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    blocks: Mapped[int] = mapped_column(Integer)  # a shorter stored sequence was truncated
    price_schedule: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    supersedes: Mapped[str | None] = mapped_column(String(40))
    superseded_by: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))  # current | superseded | removed
    tender_version: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# The database document store's blocks (encrypted), one row per 64 KiB block.
document_blocks = Table(
    "document_blocks", metadata,
    Column("blob_key", String(100), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

# The transactional outbox and the record of exhausted jobs, in this service's database.
outbox = outbox_table(metadata)
outbox_blobs = outbox_blobs_table(metadata)  # a large close's opened bids, by reference
failed_jobs = failed_jobs_table(metadata)
