"""Workers dying, stopping and failing mid-job, on real processes (docs/architecture.md,
"Workers and recovery").

Recovery bounds (docs/deploy.md "Recovery bound"), with this suite's settings (janitor every
1 s, heartbeat every 1 s, a job abandoned after 10 s without one):
- work horse killed: the worker fails the job into its first retry (2 s backoff) at once;
- whole worker killed: the job is abandoned 10 s after its last heartbeat, the janitor retries
  it within a second and the retry waits its 2 s backoff. With the production defaults (30 s
  heartbeat, abandoned after 90 s, 5 s janitor) the same path is the documented ~100 s."""

from __future__ import annotations

import os
import signal
import time
import uuid

import pytest
from rq import Retry
from rq.job import Job
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer
from sqlalchemy import text

from services.platform import Platform
from shared.db import make_engine
from shared.queue import enqueue_job, get_queue, redis_from_url
from shared.waiting import wait_until
from tests.reliability.helpers import World, count, owner_of, wait_for_marker

pytestmark = pytest.mark.reliability

PAUSE = {"COPROCURE_FAULT_PAUSE": "assess_tender:300,run_scoring:300"}
HEARTBEAT_TTL = 10  # COPROCURE_ABANDON_AFTER_SECONDS in the reliability platforms' FAST
FIRST_RETRY = 2  # shared.queue.DEFAULT_RETRY
SLACK = 20  # process start-up, polling, a slow CI machine
HORSE_BOUND = FIRST_RETRY + SLACK
SCHEDULER_LOCK_LAPSE = 61  # if the killed worker held rq's scheduler lock
WORKER_BOUND = max(HEARTBEAT_TTL + 1 + FIRST_RETRY, SCHEDULER_LOCK_LAPSE) + 1 + SLACK
RECOVERY: dict[str, float] = {}


@pytest.fixture(scope="module")
def plat(start_platform) -> Platform:
    """A platform whose scoring jobs pause once at their pause point, so we can kill them."""
    platform = start_platform()
    platform.stop("worker-scoring")
    platform.start_worker("scoring", "worker-scoring-paused-1", PAUSE)
    yield platform
    print("\nmeasured recovery times (s): "
          + ", ".join(f"{k}={v:.1f}" for k, v in RECOVERY.items()))


@pytest.fixture(scope="module")
def world(plat) -> World:
    return World(plat)


@pytest.fixture(scope="module")
def published_a(world) -> dict:
    """A tender of three bids, closing in 6 s."""
    tender = world.publish(6)
    world.submit_bids(tender)
    return tender


@pytest.fixture
def tender_a(plat, world, published_a) -> dict:
    """The tender assessed and in evaluation, whichever test runs first: its assess job pauses
    on this module's workers until its work horse is killed, which the first test does (or,
    when that test did not run, this fixture)."""
    world.wait_for_deadline(published_a)
    if world.assessments(published_a["id"]) < 3:
        _, horse = wait_for_marker(plat, "assess_tender", f"assess-{published_a['id']}-")
        os.kill(horse, signal.SIGKILL)
        world.wait_for_assessments(published_a["id"], 3, timeout=WORKER_BOUND)
    world.wait_for_status(published_a["id"], "evaluating", "scored")
    return published_a


@pytest.fixture(scope="module")
def redis(plat):
    conn = redis_from_url(plat.redis_url)
    yield conn
    conn.close()


def assessed_once(plat: Platform, world: World, tender_id: str, bids: int = 3) -> None:
    """The assessment's effect is recorded exactly once: rows, audit entries, the tender state."""
    assert count(plat, "scoring", "SELECT count(*) FROM assessments WHERE tender_id = :t",
                 t=tender_id) == bids
    assert count(plat, "scoring", "SELECT count(*) FROM bids WHERE tender_id = :t",
                 t=tender_id) == bids
    for event_type, n in (("bid_assessed", bids), ("bids_opened", 1)):
        events = world.audit_events(tender_id, event_type)
        assert len(events) == n, (event_type, events)
    world.wait_for_status(tender_id, "evaluating", "scored")


def scored_once(plat: Platform, world: World, tender_id: str, run_id: str) -> None:
    """The run completed once: one completion audit entry, the tender scored."""
    assert world.run(run_id)["status"] == "completed"
    events = world.audit_events(tender_id, "scoring_run_completed")
    assert len([e for e in events if run_id in str(e)]) == 1, events
    assert count(plat, "scoring", "SELECT count(*) FROM scoring_runs WHERE id = :r",
                 r=run_id) == 1
    world.wait_for_status(tender_id, "scored")


def test_work_horse_killed_during_assess_tender(plat, world, published_a):
    world.wait_for_deadline(published_a)
    job_id, horse = wait_for_marker(plat, "assess_tender", f"assess-{published_a['id']}-")
    worker = owner_of(plat, horse)
    os.kill(horse, signal.SIGKILL)
    killed = time.monotonic()
    world.wait_for_assessments(published_a["id"], 3, timeout=WORKER_BOUND)
    RECOVERY["horse_killed.assess_tender"] = elapsed = time.monotonic() - killed
    assert elapsed <= HORSE_BOUND
    assert plat.procs[worker].poll() is None, "the worker itself survives its horse"
    assessed_once(plat, world, published_a["id"])
    assert count(plat, "scoring", "SELECT count(*) FROM processed_events WHERE event_id = :e",
                 e=job_id) == 1


def test_work_horse_killed_during_run_scoring(plat, world, tender_a):
    world.wait_for_status(tender_a["id"], "evaluating")
    run_id = world.request_run(tender_a["id"])
    _, horse = wait_for_marker(plat, "run_scoring", f"run-{run_id}")
    os.kill(horse, signal.SIGKILL)
    killed = time.monotonic()
    world.wait_for_run(run_id, timeout=WORKER_BOUND)
    RECOVERY["horse_killed.run_scoring"] = elapsed = time.monotonic() - killed
    assert elapsed <= HORSE_BOUND
    scored_once(plat, world, tender_a["id"], run_id)


def test_whole_worker_killed_during_assess_tender_and_run_scoring(plat, world, tender_a):
    """Two workers die at once (a node lost), one in each job; a replacement finishes both."""
    plat.start_worker("scoring", "worker-scoring-paused-2", PAUSE)
    tender_b = world.publish(6)
    world.submit_bids(tender_b)
    run_id = world.request_run(tender_a["id"])
    _, run_horse = wait_for_marker(plat, "run_scoring", f"run-{run_id}")
    world.wait_for_deadline(tender_b)
    _, assess_horse = wait_for_marker(plat, "assess_tender", f"assess-{tender_b['id']}-")
    victims = {owner_of(plat, run_horse), owner_of(plat, assess_horse)}
    assert len(victims) == 2
    for name in victims:
        pids = plat.kill(name)  # the worker, its work horse and its scheduler, like a lost node
        assert run_horse in pids or assess_horse in pids
    killed = time.monotonic()
    plat.start_worker("scoring", "worker-scoring-replacement", PAUSE)  # marked jobs don't pause

    world.wait_for_assessments(tender_b["id"], 3, timeout=WORKER_BOUND + 30)
    RECOVERY["worker_killed.assess_tender"] = time.monotonic() - killed
    world.wait_for_run(run_id, timeout=WORKER_BOUND + 30)
    RECOVERY["worker_killed.run_scoring"] = time.monotonic() - killed
    assert RECOVERY["worker_killed.assess_tender"] <= WORKER_BOUND
    assert RECOVERY["worker_killed.run_scoring"] <= WORKER_BOUND
    assessed_once(plat, world, tender_b["id"])
    scored_once(plat, world, tender_a["id"], run_id)


def test_sigterm_during_a_job_lets_it_complete(plat, world, tender_a):
    """Warm shutdown: the worker finishes the job in hand, then exits cleanly."""
    for name in [n for n in plat.procs if n.startswith("worker-scoring")]:
        plat.stop(name)  # idle workers: they exit at once
    name = plat.start_worker("scoring", "worker-scoring-sigterm",
                             {"COPROCURE_FAULT_PAUSE": "run_scoring:4"})
    run_id = world.request_run(tender_a["id"])
    _, horse = wait_for_marker(plat, "run_scoring", f"run-{run_id}")
    assert owner_of(plat, horse) == name
    proc = plat.procs[name]
    proc.send_signal(signal.SIGTERM)  # what `docker stop` or a rollout sends to PID 1
    assert proc.wait(60) == 0
    # No other scoring worker runs: the job completed in the worker we stopped.
    assert world.run(run_id)["status"] == "completed"
    scored_once(plat, world, tender_a["id"], run_id)
    plat.procs.pop(name)
    plat.start_worker("scoring", "worker-scoring")


def test_same_outbox_event_enqueued_twice_runs_once(plat, world, tender_a, redis):
    commissioning = make_engine(plat.environment()["COPROCURE_COMMISSIONING_DATABASE_URL"])
    with commissioning.connect() as conn:
        job_id = conn.execute(text(
            "SELECT job_id FROM outbox WHERE event_type = 'TenderClosed' AND job_id LIKE :p"),
            {"p": f"assess-{tender_a['id']}-%"}).scalar_one()

    def resend() -> None:
        """As if the relay died after enqueueing but before marking the row sent."""
        with commissioning.begin() as conn:
            conn.execute(text("UPDATE outbox SET sent_at = NULL WHERE job_id = :j"),
                         {"j": job_id})
        wait_until(lambda: count(plat, "commissioning", "SELECT count(*) FROM outbox WHERE "
                                 "job_id = :j AND sent_at IS NOT NULL", j=job_id),
                   timeout=30, what="the relay to re-send")

    first = Job.fetch(job_id, connection=redis, serializer=JSONSerializer)
    assert first.get_status() == "finished"
    ended = first.ended_at
    # 1. The job is still known to rq: unique=True refuses the copy, nothing runs again.
    resend()
    relay_log = plat.log_path("relay-commissioning").read_text()
    assert "job_already_queued" in relay_log and job_id in relay_log
    again = Job.fetch(job_id, connection=redis, serializer=JSONSerializer)
    assert again.get_status() == "finished" and again.ended_at == ended
    # 2. rq forgot the job (result TTL lapsed): the copy runs, and the consumer ignores it.
    # A lapse removes the job's key, as here; rq's Job.delete() would also walk its execution
    # records, which a late worker heartbeat can leave half-written (KeyError inside rq).
    redis.delete(again.key)
    resend()
    copy = wait_until(lambda: (j := Job.fetch(job_id, connection=redis,
                                              serializer=JSONSerializer)).is_finished and j,
                      timeout=60, what="the second copy to run")
    assert copy.return_value() is False  # "already processed"
    assessed_once(plat, world, tender_a["id"])
    commissioning.dispose()


def test_job_that_always_fails_is_recorded_and_can_be_requeued(plat, world, redis):
    queue = get_queue("commissioning", redis)
    job_id = f"always-fails-{uuid.uuid4().hex[:8]}"
    enqueue_job(queue, "tests.jobsamples.always_fails", {"key": job_id}, job_id=job_id,
                retry=Retry(max=1))
    registry = FailedJobRegistry(queue=queue)
    wait_until(lambda: job_id in registry.get_job_ids(), timeout=60, what="failed registry")
    failed_row = "SELECT count(*) FROM failed_jobs WHERE job_id = :j AND requeued_at IS NULL"
    wait_until(lambda: count(plat, "commissioning", failed_row, j=job_id), timeout=30,
               what="failed_jobs row")
    overview = world.admin.get("/admin/queues")
    ours = [f for f in overview["failed_jobs"] if f["job_id"] == job_id]
    assert ours and ours[0]["service"] == "commissioning" and "boom" in ours[0]["error"]
    assert any(f["job_id"] == job_id for f in overview["rq_failed"])
    assert overview["queues"]["commissioning"]["failed"] >= 1

    requeued = world.admin.post(f"/admin/queues/failed/{job_id}/requeue")
    assert requeued["job_id"] == job_id and requeued["requeued_at"]
    # It runs again (and, always failing, lands back in both places with a fresh failure).
    wait_until(lambda: count(plat, "commissioning", failed_row, j=job_id), timeout=60,
               what="the requeued job to fail again")
    assert job_id in registry.get_job_ids()

    # A job that failed for a reason since fixed completes when requeued.
    flaky = f"flaky-{uuid.uuid4().hex[:8]}"
    enqueue_job(queue, "tests.reliability.faultjobs.fails_until_fixed", {"key": flaky},
                job_id=flaky, retry=Retry(max=1))
    wait_until(lambda: count(plat, "commissioning", failed_row, j=flaky), timeout=60,
               what="the flaky job to exhaust its retries")
    redis.set(f"coprocure-test:fixed:{flaky}", "1")
    world.admin.post(f"/admin/queues/failed/{flaky}/requeue")
    job = wait_until(lambda: (j := Job.fetch(flaky, connection=redis,
                                             serializer=JSONSerializer)).is_finished and j,
                     timeout=60, what="the requeued job to succeed")
    assert job.return_value() == "fixed"
    assert int(redis.get(f"coprocure-test:runs:{flaky}")) == 3  # twice failed, once done
    assert flaky not in registry.get_job_ids()
    missing = world.admin.request("POST", "/admin/queues/failed/no-such-job/requeue",
                                  expect=404)
    assert missing.headers["content-type"].startswith("application/problem+json")
