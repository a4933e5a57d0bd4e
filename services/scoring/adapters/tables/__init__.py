"""The scoring service's tables: tenders and bids, panel and scores, runs, the audit log."""

from services.scoring.adapters.tables import (  # noqa: F401
    audit,
    panel,
    payments,
    performance,
    runs,
    tenders,
)
from services.scoring.adapters.tables.base import Base, metadata
from shared.failed_jobs import failed_jobs_table
from shared.outbox import outbox_table

# The transactional outbox and the record of exhausted jobs, in this service's database.
outbox = outbox_table(metadata)
failed_jobs = failed_jobs_table(metadata)

__all__ = ["Base", "failed_jobs", "metadata", "outbox"]
