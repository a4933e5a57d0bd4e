"""ORM models of the commissioning service (import every model module here)."""

from services.commissioning.db import Base, metadata
from services.commissioning.tables import (
    Bid,
    IdempotencyRecord,
    ProcessedEvent,
    Question,
    Tender,
)
from shared.failed_jobs import failed_jobs_table
from shared.outbox import outbox_table

outbox = outbox_table(metadata)
failed_jobs = failed_jobs_table(metadata)

__all__ = ["Base", "Bid", "IdempotencyRecord", "ProcessedEvent", "Question", "Tender",
           "failed_jobs", "metadata", "outbox"]
