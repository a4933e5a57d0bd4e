"""The rq queue contract: Redis from URL, JSON-serialized queues, enqueue by dotted name."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import structlog
from redis import Redis
from rq import Queue, Retry, SimpleWorker, Worker
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry, StartedJobRegistry
from rq.serializers import JSONSerializer
from rq.worker.base import BaseWorker

from shared.observability import bind_job_context, bound_request_id, clear_job_context

QUEUES = ("commissioning", "scoring", "gateway")
# Queues of many short jobs, run without a fork per job (NoForkWorker); the others' jobs can be
# long or large (a close, an assessment) and keep rq's work horse.
NO_FORK_QUEUES = ("gateway",)
DEFAULT_RETRY = (5, (2, 10, 30, 60, 120))  # max, intervals in seconds
DEFAULT_JOB_TIMEOUT = 600
# rq keeps a busy job in the started registry until its last heartbeat + the worker's
# monitoring interval + this fixed 60 s (rq.worker.base.get_heartbeat_ttl).
RQ_HEARTBEAT_GRACE = 60
REQUEST_ID_META = "request_id"  # job.meta key: the X-Request-ID that led to the job
log = structlog.get_logger("coprocure.queue")


def redis_from_url(url: str, **kwargs: Any) -> Redis:
    """A Redis client from a URL, with timeouts so a dead Redis fails fast."""
    kwargs.setdefault("socket_connect_timeout", 2)
    kwargs.setdefault("socket_timeout", 10)
    kwargs.setdefault("health_check_interval", 30)
    return Redis.from_url(url, **kwargs)


class JobContextQueue(Queue):
    """An rq queue whose worker binds each dequeued job's id, queue and originating request
    id to the logs, so rq's own lines about the job carry them too."""

    @classmethod
    def dequeue_any(cls, *args: Any, **kwargs: Any):  # noqa: D102 - rq's hook
        result = super().dequeue_any(*args, **kwargs)
        if result is not None:
            job, queue = result
            bind_job_context(job.id, queue.name, (job.meta or {}).get(REQUEST_ID_META))
        return result


class _JobContext:
    """Dequeue through JobContextQueue and forget a job's context once the job is done (so the
    worker's own idle and shutdown lines do not carry the last job's ids)."""

    queue_class = JobContextQueue

    def execute_job(self, job: Job, queue: Queue) -> None:  # noqa: D102 - rq's hook
        try:
            super().execute_job(job, queue)
        finally:
            clear_job_context()


class JobContextWorker(_JobContext, Worker):
    """rq's forking worker: a work horse per job, for long jobs (a close's assessment)."""


class NoForkWorker(_JobContext, SimpleWorker):
    """rq's worker without a fork per job, for many short jobs (the gateway's notices): a
    fork, a fresh database connection and the horse's teardown cost more than the job.

    rq's SimpleWorker sends no heartbeat while a job runs and so keeps it in the started
    registry for the job's whole timeout; a heartbeat thread here renews it every monitoring
    interval, as the forking worker's monitor loop does, so the janitor's abandonment rule
    (docs/deploy.md) is the same for both kinds of worker.
    """

    get_heartbeat_ttl = BaseWorker.get_heartbeat_ttl  # monitoring interval + 60, as forking

    def execute_job(self, job: Job, queue: Queue) -> None:  # noqa: D102 - rq's hook
        self._beats_stop = threading.Event()
        self._beats = threading.Thread(target=self._keep_heartbeats, args=(job,),
                                       name=f"rq-heartbeat-{job.id}", daemon=True)
        self._beats.start()
        try:
            super().execute_job(job, queue)
        finally:
            self._stop_heartbeats()

    def handle_execution_ended(self, job: Job, queue: Queue, heartbeat_ttl: int) -> None:
        # The job's function has returned or raised: no heartbeat may follow rq's own
        # bookkeeping, or it would put a finished job back into the started registry.
        self._stop_heartbeats()
        super().handle_execution_ended(job, queue, heartbeat_ttl)

    def _keep_heartbeats(self, job: Job) -> None:
        started = time.monotonic()
        while not self._beats_stop.wait(self.job_monitoring_interval):
            try:
                self.set_current_job_working_time(time.monotonic() - started)
                self.maintain_heartbeats(job)
            except Exception as exc:  # Redis away for a moment: the next beat tries again
                log.warning("heartbeat_failed", job_id=job.id, error=exc.__class__.__name__)

    def _stop_heartbeats(self) -> None:
        beats = getattr(self, "_beats", None)
        if beats is not None:
            self._beats_stop.set()
            beats.join()
            self._beats = None


def get_queue(name: str, connection: Redis) -> Queue:
    """An rq queue that serializes with JSON, never pickle."""
    if name not in QUEUES:
        raise ValueError(f"unknown queue {name!r}")
    return JobContextQueue(name, connection=connection, serializer=JSONSerializer,
                           default_timeout=DEFAULT_JOB_TIMEOUT)


def default_retry(max_retries: int | None = None) -> Retry:
    """The project's retry policy (backoff intervals in seconds)."""
    count, intervals = DEFAULT_RETRY
    return Retry(max=max_retries if max_retries is not None else count, interval=list(intervals))


def enqueue_job(queue: Queue, func_name: str, payload: dict[str, Any], job_id: str,
                retry: Retry | None = None, request_id: str | None = None,
                **kwargs: Any) -> bool:
    """Enqueue ``func_name(payload)`` once; False if the job id was already queued.

    rq job ids may hold only letters, digits, ``_`` and ``-`` (so ``assess-{tender}-{sha}``).
    ``request_id`` (default: the one bound to this request or job) rides in ``job.meta``; the
    worker binds it to every log line it writes for the job.
    """
    request_id = request_id or bound_request_id()
    try:
        queue.enqueue_call(
            func=func_name, args=(payload,), job_id=job_id, unique=True,
            meta={REQUEST_ID_META: request_id} if request_id else None,
            retry=retry if retry is not None else default_retry(),
            failure_ttl=kwargs.pop("failure_ttl", 30 * 24 * 3600),
            result_ttl=kwargs.pop("result_ttl", 3600),
            **kwargs,
        )
    except DuplicateJobError:
        log.info("job_already_queued", job_id=job_id, func=func_name, request_id=request_id)
        return False
    return True


def clean_started_registries(connection: Redis,
                             handlers: dict[str, list] | None = None, *,
                             monitoring: float | None = None,
                             abandon_after: float | None = None) -> int:
    """Move jobs of dead workers out of the started registries so rq retries them.

    ``handlers`` maps a queue to rq exception handlers run for jobs failed this way. By rq's
    own rule a job is abandoned ``monitoring`` + 60 s after its worker's last heartbeat; with
    ``abandon_after`` (seconds, at least two heartbeats) it is abandoned that soon instead.
    """
    timestamp = None
    if monitoring is not None and abandon_after is not None:
        timestamp = time.time() + max(0.0, monitoring + RQ_HEARTBEAT_GRACE - abandon_after)
    moved = 0
    for name in QUEUES:
        queue = get_queue(name, connection)
        registry = StartedJobRegistry(queue=queue)
        # get_job_count(cleanup=False): ``count`` would clean up first, without our handlers.
        before = registry.get_job_count(cleanup=False)
        registry.cleanup(timestamp=timestamp,
                         exception_handlers=(handlers or {}).get(name) or None)
        moved += max(0, before - registry.get_job_count(cleanup=False))
    return moved


def queue_stats(connection: Redis) -> dict[str, dict[str, int]]:
    """Counts per queue and registry, for the admin endpoint."""
    stats = {}
    for name in QUEUES:
        queue = get_queue(name, connection)
        stats[name] = {
            "queued": queue.count,
            "started": queue.started_job_registry.count,
            "deferred": queue.deferred_job_registry.count,
            "scheduled": queue.scheduled_job_registry.count,
            "failed": FailedJobRegistry(queue=queue).count,
            "finished": queue.finished_job_registry.count,
        }
    return stats


class Ticks:
    """Enqueues housekeeping jobs (sweeps, reminders, tree heads) on a cadence, at most one
    waiting per kind: when a worker runs slower than the cadence (a loaded machine, a slow
    database) ticks must not pile up, or the jobs of real events queue behind hundreds of
    them. A tick whose retry is scheduled does not count as waiting: the next one may run."""

    def __init__(self) -> None:
        self._last: dict[str, str] = {}

    def enqueue(self, queue: Queue, func_name: str, payload: dict[str, Any], job_id: str,
                **kwargs: Any) -> bool:
        """Enqueue unless this kind's previous tick is still queued or running. A tick's
        result is kept a minute and its failure an hour: the next tick supersedes it."""
        kwargs.setdefault("result_ttl", 60)
        kwargs.setdefault("failure_ttl", 3600)
        kind = f"{queue.name}:{func_name}"
        previous = self._last.get(kind)
        if previous is not None and job_waiting(queue.connection, previous):
            return False
        sent = enqueue_job(queue, func_name, payload, job_id=job_id, **kwargs)
        self._last[kind] = job_id
        return sent


def job_waiting(connection: Redis, job_id: str) -> bool:
    """Whether the job is queued or running (not finished, failed, scheduled or gone)."""
    try:
        job = Job.fetch(job_id, connection=connection, serializer=JSONSerializer)
    except NoSuchJobError:
        return False
    return job.get_status(refresh=False) in (JobStatus.QUEUED, JobStatus.STARTED)


class UnknownJob(LookupError):
    """A job name no registry lists (a producer newer than this worker, or a typo)."""


def registered_job_class(jobs: Mapping[str, Callable[..., Any]]) -> type[Job]:
    """An rq Job class resolving job names through ``jobs`` instead of importing by path.

    Job names stay the queue contract's dotted strings; which function runs for each is
    decided by the composition root's registry, so nothing is imported by convention.
    """

    class RegisteredJob(Job):
        @property
        def func(self):  # noqa: D102 - rq's own hook
            try:
                return jobs[self.func_name]
            except KeyError:
                raise UnknownJob(f"no job is registered as {self.func_name!r}") from None

    return RegisteredJob
