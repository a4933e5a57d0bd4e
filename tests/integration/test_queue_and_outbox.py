"""The queue contract and the outbox relay, against a real Redis and a real database."""

import json
import time
import zlib

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import Retry
from rq.registry import FailedJobRegistry, StartedJobRegistry
from sqlalchemy import Table, select

from shared.db import make_engine, make_metadata, make_session_factory
from shared.failed_jobs import exception_handler, failed_jobs_table
from shared.outbox import add_event, outbox_table, pending_count, relay_pending
from shared.queue import (
    RQ_HEARTBEAT_GRACE,
    Ticks,
    clean_started_registries,
    enqueue_job,
    get_queue,
    queue_stats,
    redis_from_url,
)
from tests.support.workers import make_worker, run_burst


@pytest.fixture
def job_env(monkeypatch, redis_url):
    monkeypatch.setenv("COPROCURE_TEST_REDIS_URL", redis_url)


def test_enqueue_by_name_runs_once_with_json(redis_conn, job_env):
    queue = get_queue("scoring", redis_conn)
    assert enqueue_job(queue, "tests.jobsamples.record", {"key": "a"}, job_id="job-a")
    assert not enqueue_job(queue, "tests.jobsamples.record", {"key": "a"}, job_id="job-a")
    assert queue.count == 1
    run_burst([queue], redis_conn)
    assert int(redis_conn.get("ran:a")) == 1
    raw = zlib.decompress(redis_conn.hget("rq:job:job-a", "data"))
    assert json.loads(raw)[2] == [{"key": "a"}]  # JSON (func, instance, args, kwargs), no pickle


def test_ticks_never_pile_up_behind_a_slow_worker(redis_conn, job_env):
    """A sweep every second must not queue a second sweep while the first still waits: event
    jobs would wait behind the backlog (the PostgreSQL path's award timeouts)."""
    queue = get_queue("commissioning", redis_conn)
    ticks = Ticks()
    assert ticks.enqueue(queue, "tests.jobsamples.record", {"key": "t"}, job_id="sweep-1")
    assert not ticks.enqueue(queue, "tests.jobsamples.record", {"key": "t"}, job_id="sweep-2")
    assert queue.get_job_ids() == ["sweep-1"]
    # Another kind on the same queue is not held back by it.
    assert ticks.enqueue(queue, "tests.jobsamples.always_fails", {"key": "u"}, job_id="other-1")
    run_burst([queue], redis_conn)
    assert int(redis_conn.get("ran:t")) == 1
    # Once the tick has run, the next one goes in.
    assert ticks.enqueue(queue, "tests.jobsamples.record", {"key": "t"}, job_id="sweep-3")
    assert queue.get_job_ids() == ["sweep-3"]


def test_unknown_queue_is_refused(redis_conn):
    with pytest.raises(ValueError):
        get_queue("nope", redis_conn)


@pytest.fixture
def tables(tmp_path):
    metadata = make_metadata()
    outbox = outbox_table(metadata)
    failed = failed_jobs_table(metadata)
    engine = make_engine(f"sqlite:///{tmp_path}/q.db")
    metadata.create_all(engine)
    yield make_session_factory(engine), outbox, failed
    engine.dispose()


def test_outbox_written_in_caller_transaction_and_rolled_back(tables):
    factory, outbox, _ = tables
    with factory() as session:
        add_event(session, outbox, event_type="X", queue="scoring",
                  job_name="tests.jobsamples.record", job_id="x-1", payload={"key": "x"})
        session.rollback()
    assert pending_count(factory, outbox) == 0


def test_relay_survives_redis_down_and_delivers_once(tables, redis_conn, job_env):
    factory, outbox, _ = tables
    with factory() as session:
        for i in range(3):
            add_event(session, outbox, event_type="X", queue="scoring",
                      job_name="tests.jobsamples.record", job_id=f"e-{i}", payload={"key": "e"})
        session.commit()
    dead = redis_from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    assert relay_pending(factory, outbox, dead) == 0
    assert pending_count(factory, outbox) == 3
    with factory() as session:
        row = session.execute(select(outbox).limit(1)).mappings().one()
        assert row["attempts"] == 1 and "Error" in row["last_error"]
    assert relay_pending(factory, outbox, redis_conn) == 3
    assert relay_pending(factory, outbox, redis_conn) == 0
    # A relay that crashed after enqueue but before marking sent re-sends: unique ids absorb it.
    with factory() as session:
        session.execute(outbox.update().values(sent_at=None))
        session.commit()
    assert relay_pending(factory, outbox, redis_conn) == 3
    queue = get_queue("scoring", redis_conn)
    assert queue.count == 3
    run_burst([queue], redis_conn)
    assert int(redis_conn.get("ran:e")) == 3


def test_exhausted_job_lands_in_failed_registry_and_our_table(tables, redis_conn, job_env):
    factory, _, failed = tables
    queue = get_queue("commissioning", redis_conn)
    enqueue_job(queue, "tests.jobsamples.always_fails", {"key": "f"}, job_id="fail-1",
                retry=Retry(max=1))
    handler = exception_handler(lambda: factory, failed)
    worker = make_worker([queue], redis_conn, exception_handlers=[handler])
    run_burst(worker)  # first attempt; the retry is re-queued immediately (no interval)
    run_burst(worker)
    assert "fail-1" in FailedJobRegistry(queue=queue).get_job_ids()
    with factory() as session:
        row = session.execute(select(failed)).mappings().one()
    assert row["job_id"] == "fail-1" and "boom f" in row["error"]
    assert queue_stats(redis_conn)["commissioning"]["failed"] == 1
    assert isinstance(failed, Table)


def test_dead_redis_fails_fast():
    dead = redis_from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    with pytest.raises(RedisConnectionError):
        dead.ping()


def test_requeue_of_a_job_no_longer_failed_is_409(make_app, redis_conn):
    from datetime import UTC, datetime

    from services.commissioning.adapters import tables as models
    from tests.conftest import auth_headers, identity

    app = make_app("commissioning")
    with app.extensions["coprocure"].session_factory() as session:
        session.execute(models.failed_jobs.insert().values(
            job_id="gone-1", queue="commissioning", func_name="x.y", args=[], error="boom",
            failed_at=datetime.now(UTC)))
        session.commit()
    resp = app.test_client().post("/api/v1/admin/failed-jobs/gone-1/requeue",
                                  headers=auth_headers(identity("admin")))
    assert resp.status_code == 409 and resp.mimetype == "application/problem+json"


def test_janitor_abandons_a_job_after_the_configured_silence(redis_conn):
    """A started job whose last heartbeat was 20 s ago (1 s heartbeats): rq's own rule keeps it
    for 61 s; abandon-after 10 s moves it out now, abandon-after 30 s does not."""
    queue = get_queue("scoring", redis_conn)
    enqueue_job(queue, "tests.jobsamples.record", {"key": "silent"}, job_id="job-silent")
    job = queue.fetch_job("job-silent")
    registry = StartedJobRegistry(queue=queue)
    # As rq scores it: last heartbeat (20 s ago) + monitoring (1 s) + its fixed 60 s.
    redis_conn.zadd(registry.key, {job.id: time.time() - 20 + 1 + RQ_HEARTBEAT_GRACE})
    assert clean_started_registries(redis_conn) == 0
    assert clean_started_registries(redis_conn, monitoring=1, abandon_after=30) == 0
    assert registry.get_job_count(cleanup=False) == 1
    assert clean_started_registries(redis_conn, monitoring=1, abandon_after=10) == 1
    assert registry.get_job_count(cleanup=False) == 0


def test_queues_command_prints_depths_and_failures_per_queue(redis_conn, redis_url):
    from click.testing import CliRunner

    from services.cli import main

    for n in range(3):
        enqueue_job(get_queue("scoring", redis_conn), "tests.jobsamples.record", {"key": n},
                    job_id=f"queued-{n}")
    result = CliRunner().invoke(main, ["queues", "--json"],
                                env={"COPROCURE_REDIS_URL": redis_url})
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert counts == queue_stats(redis_conn)
    assert counts["scoring"]["queued"] == 3 and counts["commissioning"]["queued"] == 0
    table = CliRunner().invoke(main, ["queues"], env={"COPROCURE_REDIS_URL": redis_url,
                                                      "COLUMNS": "200"})
    row = next(line for line in table.stdout.splitlines() if "scoring" in line)
    assert [cell.strip() for cell in row.split("│")[1:4]] == ["scoring", "3", "0"], row
    down = CliRunner().invoke(main, ["queues"],
                              env={"COPROCURE_REDIS_URL": "redis://127.0.0.1:1/0"})
    assert down.exit_code == 1 and "Cannot read the queues from Redis" in down.stderr
    assert down.exception is None or isinstance(down.exception, SystemExit)


def test_a_job_carries_the_request_id_bound_when_it_was_enqueued(redis_conn):
    import structlog

    structlog.contextvars.bind_contextvars(request_id="req-abc")
    try:
        enqueue_job(get_queue("scoring", redis_conn), "tests.jobsamples.record", {"key": "r"},
                    job_id="with-request")
    finally:
        structlog.contextvars.clear_contextvars()
    enqueue_job(get_queue("scoring", redis_conn), "tests.jobsamples.record", {"key": "s"},
                job_id="without-request")
    queue = get_queue("scoring", redis_conn)
    assert queue.fetch_job("with-request").meta == {"request_id": "req-abc"}
    assert queue.fetch_job("without-request").meta == {}


def test_a_burst_in_the_test_process_leaves_no_thread_or_signal_handler_behind(redis_conn,
                                                                                job_env):
    """rq's worker installs SIGINT/SIGTERM handlers and starts a command listener thread;
    left behind, the handlers raise StopRequested in a later test (issue 12's flake)."""
    import signal
    import threading

    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    threads = set(threading.enumerate())
    queue = get_queue("scoring", redis_conn)
    enqueue_job(queue, "tests.jobsamples.record", {"key": "b"}, job_id="burst-b")
    run_burst([queue], redis_conn)
    assert int(redis_conn.get("ran:b")) == 1
    assert {sig: signal.getsignal(sig) for sig in before} == before
    assert [t.name for t in set(threading.enumerate()) - threads if t.is_alive()] == []
