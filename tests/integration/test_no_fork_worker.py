"""shared.queue.NoForkWorker on real Redis: jobs run in the worker's own process, and the busy
job's heartbeat is renewed as the forking worker renews it, so the janitor's abandonment rule
holds for both (docs/deploy.md)."""

from __future__ import annotations

import os
import threading
import time

import pytest
from rq.registry import StartedJobRegistry
from rq.serializers import JSONSerializer
from rq.timeouts import TimerDeathPenalty

from shared.queue import NoForkWorker, clean_started_registries, enqueue_job, get_queue
from tests.support.workers import JOB_CLASS, PromptListener, run_burst

MONITORING = 1


class QuietAlarmWorker(PromptListener, NoForkWorker):
    """Job timeouts by a timer thread: SIGALRM belongs to pytest-timeout here."""

    death_penalty_class = TimerDeathPenalty


@pytest.fixture
def job_env(monkeypatch, redis_url):
    monkeypatch.setenv("COPROCURE_TEST_REDIS_URL", redis_url)


def no_fork_worker(queue, connection) -> QuietAlarmWorker:
    return QuietAlarmWorker([queue], connection=connection, serializer=JSONSerializer,
                            job_class=JOB_CLASS, job_monitoring_interval=MONITORING)


def started_score(queue) -> float | None:
    registry = StartedJobRegistry(queue=queue)
    entries = registry.connection.zrange(registry.key, 0, -1, withscores=True)
    return entries[0][1] if entries else None


def test_a_job_runs_in_the_workers_own_process(redis_conn, job_env):
    queue = get_queue("gateway", redis_conn)
    enqueue_job(queue, "tests.jobsamples.sleep_then_record", {"key": "p", "seconds": 0},
                job_id="pid-1")
    worker = no_fork_worker(queue, redis_conn)
    run_burst(worker)
    assert int(redis_conn.get("ran:p")) == 1
    assert worker._horse_pid == 0 and os.getpid() == worker.pid  # no work horse was forked


def test_a_busy_job_is_kept_alive_by_heartbeats_and_leaves_nothing_behind(redis_conn, job_env):
    queue = get_queue("gateway", redis_conn)
    enqueue_job(queue, "tests.jobsamples.sleep_then_record", {"key": "h", "seconds": 3.5},
                job_id="busy-1")
    worker = no_fork_worker(queue, redis_conn)
    # The worker runs on this thread (rq's signal handlers need it); a watcher samples the
    # started registry and runs the janitor meanwhile.
    seen: list[tuple[float, float]] = []
    janitor_moved: list[int] = []
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.1):
            score = started_score(queue)
            if score is not None:
                seen.append((time.time(), score))
                if len(seen) == 25:  # 2.5 s into the job, past two monitoring intervals
                    janitor_moved.append(clean_started_registries(
                        redis_conn, monitoring=MONITORING, abandon_after=2))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        run_burst(worker)
    finally:
        done.set()
        watcher.join(5)
    assert int(redis_conn.get("ran:h")) == 1
    # rq's own SimpleWorker registers a job for its whole timeout (600 s + 60 s); here it
    # expires one monitoring interval + 60 s after each heartbeat, and heartbeats move it on.
    first_at, first = seen[0]
    assert first <= first_at + MONITORING + 60 + 1
    assert max(score for _, score in seen) >= first + 2 * MONITORING - 0.5
    assert janitor_moved == [0]  # a job whose worker beats is never abandoned
    time.sleep(MONITORING + 0.5)  # a stray heartbeat after the end would re-register it
    assert started_score(queue) is None
    assert queue.finished_job_registry.get_job_ids() == ["busy-1"]


def test_a_silent_workers_job_is_abandoned_by_the_janitor(redis_conn, job_env):
    """A worker killed mid-job beats no more: its job expires like a forking worker's."""
    queue = get_queue("gateway", redis_conn)
    enqueue_job(queue, "tests.jobsamples.record", {"key": "k"}, job_id="lost-1")
    worker = no_fork_worker(queue, redis_conn)
    job = queue.fetch_job("lost-1")
    worker.prepare_execution(job)
    worker.prepare_job_execution(job)  # registered as started, then the worker "dies"
    assert started_score(queue) is not None
    assert clean_started_registries(redis_conn, monitoring=MONITORING, abandon_after=120) == 0
    time.sleep(1.5)  # more than abandon-after (1 s) since its last heartbeat
    assert clean_started_registries(redis_conn, monitoring=MONITORING, abandon_after=1) == 1
