"""In-process rq workers for tests, as rq's own tests run them (burst, real Redis).

``Worker.work`` installs SIGINT/SIGTERM handlers that raise ``StopRequested``; left in the
pytest process they fire in a later, unrelated test. ``run_burst`` restores them. Jobs time
out by a timer thread instead of SIGALRM, which would disarm pytest-timeout's own alarm.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterable
from typing import Any

from redis import Redis
from rq import Queue, SimpleWorker
from rq.serializers import JSONSerializer
from rq.timeouts import TimerDeathPenalty

from services.wiring import JOBS
from shared.queue import registered_job_class
from tests import jobsamples

# The services' jobs plus the samples the queue tests enqueue by name.
TEST_JOBS: dict[str, Callable[..., Any]] = {
    **{f"tests.jobsamples.{name}": getattr(jobsamples, name)
       for name in ("record", "always_fails", "sleep_then_record")},
    **JOBS,
}
JOB_CLASS = registered_job_class(TEST_JOBS)
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGALRM)


class PromptListener:
    """rq's command listener, polling every 50 ms instead of every 60 s: once unsubscribed,
    rq's thread waits out its poll before it sees the stop, so a burst cost 6 s (rq's 1 s join,
    then ours) and left the thread running behind the test. Mix in before the worker class."""

    def subscribe(self) -> None:
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=0.05, daemon=True, exception_handler=self._pubsub_exception_handler)


class InProcessWorker(PromptListener, SimpleWorker):
    """A SimpleWorker whose job timeouts leave the process's SIGALRM alone."""

    death_penalty_class = TimerDeathPenalty


def make_worker(queues: Iterable[Queue], connection: Redis, **kwargs: Any) -> SimpleWorker:
    """An in-process worker with the JSON serializer and the registry's job class."""
    return InProcessWorker(list(queues), connection=connection, serializer=JSONSerializer,
                        job_class=JOB_CLASS, **kwargs)


def run_burst(worker_or_queues: SimpleWorker | Iterable[Queue], connection: Redis | None = None,
              **kwargs: Any) -> bool:
    """Run every queued job once (burst), then put the process's signal handlers back."""
    worker = worker_or_queues if isinstance(worker_or_queues, SimpleWorker) else \
        make_worker(worker_or_queues, connection, **kwargs)
    saved = {sig: signal.getsignal(sig) for sig in SIGNALS}
    try:
        return worker.work(burst=True)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
        if worker.pubsub_thread is not None:  # rq's command listener
            worker.pubsub_thread.join(5)
            assert not worker.pubsub_thread.is_alive(), "rq's command listener outlived the burst"
