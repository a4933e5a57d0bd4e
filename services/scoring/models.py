"""ORM models of the scoring service (import every model module here)."""

from services.scoring.audit import models as audit_models  # noqa: F401  (the audit log)
from services.scoring.db import Base, metadata
from services.scoring.orm import panel, runs, tenders  # noqa: F401  (register the tables)
from shared.failed_jobs import failed_jobs_table
from shared.outbox import outbox_table

outbox = outbox_table(metadata)
failed_jobs = failed_jobs_table(metadata)

__all__ = ["Base", "metadata", "outbox", "failed_jobs"]
