"""Our own record of jobs that exhausted their retries (rq is not the system of record)."""

from __future__ import annotations

import traceback
from collections.abc import Callable

import structlog
from sqlalchemy import JSON, Column, MetaData, String, Table, Text, select
from sqlalchemy.orm import Session

from shared.db import UTCDateTime
from shared.time import now as clock_now

log = structlog.get_logger("coprocure.failed_jobs")


def failed_jobs_table(metadata: MetaData) -> Table:
    """The failed-jobs table of one service (add it to that service's metadata and migration)."""
    return Table(
        "failed_jobs",
        metadata,
        Column("job_id", String(200), primary_key=True),
        Column("queue", String(40), nullable=False),
        Column("func_name", String(200), nullable=False),
        Column("args", JSON, nullable=True),
        Column("error", Text, nullable=False),
        Column("failed_at", UTCDateTime, nullable=False),
        Column("requeued_at", UTCDateTime, nullable=True),
    )


def record_failure(session_factory: Callable[[], Session], table: Table, job, exc_type,
                   exc_value, tb) -> None:
    """Upsert a row for a job whose last retry failed."""
    error = "".join(traceback.format_exception(exc_type, exc_value, tb))[-8000:]
    now = clock_now()
    with session_factory() as session:
        exists = session.execute(
            select(table.c.job_id).where(table.c.job_id == job.id)).scalar()
        values = dict(queue=job.origin, func_name=job.func_name, args=list(job.args or []),
                      error=error, failed_at=now, requeued_at=None)
        if exists:
            session.execute(table.update().where(table.c.job_id == job.id).values(**values))
        else:
            session.execute(table.insert().values(job_id=job.id, **values))
        session.commit()


def exception_handler(session_factory_getter: Callable[[], Callable[[], Session]],
                      table: Table) -> Callable:
    """An rq exception handler recording jobs with no retries left; rq continues after it."""

    def handle(job, exc_type, exc_value, tb):
        retries_left = job.retries_left or 0
        if retries_left <= 0:
            try:
                record_failure(session_factory_getter(), table, job, exc_type, exc_value, tb)
            except Exception as exc:  # the failed registry still has the job
                log.error("failed_job_not_recorded", job_id=job.id, error=repr(exc))
        return True

    return handle
