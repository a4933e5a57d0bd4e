"""Jobs rq itself holds as failed (those no service recorded in its failed_jobs table)."""

from __future__ import annotations

from redis import Redis
from rq.job import Job
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer

from shared.queue import QUEUES, get_queue

MAX_RQ_FAILED = 200  # per queue: enough to see a pattern, bounded for a busy Redis


def error_summary(exc_info: str | None) -> str | None:
    """The last line of a traceback: the exception and its message."""
    if not exc_info:
        return None
    lines = [line for line in exc_info.strip().splitlines() if line.strip()]
    return lines[-1][:500] if lines else None


def rq_failed_jobs(redis: Redis) -> list[dict]:
    """Every queue's failed-job registry, in the shape of a service's failed job."""
    out: list[dict] = []
    for name in QUEUES:
        registry = FailedJobRegistry(queue=get_queue(name, redis))
        ids = registry.get_job_ids(0, MAX_RQ_FAILED - 1)
        for job in Job.fetch_many(ids, connection=redis, serializer=JSONSerializer):
            if job is None:  # expired between listing and fetching
                continue
            ended = job.ended_at.isoformat() if job.ended_at else None
            out.append({"job_id": job.id, "queue": name, "func_name": job.func_name,
                        "error": error_summary(job.exc_info), "failed_at": ended,
                        "requeued_at": None, "service": name})
    return out
