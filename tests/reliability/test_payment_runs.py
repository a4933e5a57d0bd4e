"""A payment run is recorded once even when its worker dies mid-way or the job runs twice, on
real processes: the run_payments job pauses inside its transaction (after the run and its
audit entry are written, before the commit), its work horse is killed, rq retries it, and
exactly one run and one ``payments_calculated`` entry exist; running it again adds nothing."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from rq.job import Job
from rq.serializers import JSONSerializer

from services.platform import Platform
from shared.contracts import RECORD_CONTRACT_EVENT, RUN_PAYMENTS
from shared.queue import default_retry, enqueue_job, get_queue, redis_from_url
from shared.waiting import wait_until
from tests.reliability.helpers import count, wait_for_marker
from tests.support.builders import contract_event, decided, rated_contract

pytestmark = pytest.mark.reliability

PAUSE = {"COPROCURE_FAULT_PAUSE": "run_payments:300"}
BOUND = 2 + 40  # the first retry's backoff, plus start-up and polling on a slow machine
CONTRACT = rated_contract("ctr_reliable")
RUNS = "SELECT count(*) FROM payment_runs WHERE contract_id = :c"
LOGGED = ("SELECT count(*) FROM audit_entries WHERE event_type = 'payments_calculated' "
          "AND object_id IN (SELECT id FROM payment_runs WHERE contract_id = :c)")


@pytest.fixture(scope="module")
def plat(start_platform) -> Platform:
    """A platform whose scoring worker pauses once in each run_payments job."""
    platform = start_platform()
    platform.stop("worker-scoring")
    platform.start_worker("scoring", "worker-scoring-paused", PAUSE)
    return platform


def test_work_horse_killed_mid_run_then_the_job_run_twice_records_one_run(plat):
    redis = redis_from_url(plat.redis_url)
    queue = get_queue("scoring", redis)
    created = contract_event("ContractCreated", 1, CONTRACT,
                             {k: v for k, v in CONTRACT.items() if k != "id"})
    decision = contract_event("ResultDecided", 2, CONTRACT,
                              {"report_id": "rpt_M1_1", "metric_id": "M1", "period": 1,
                               "version": 1, "verdict": "validated"},
                              period=1, decisions=[decided("M1", 1, 25)], role="validator")
    for event in (created, decision):
        enqueue_job(queue, RECORD_CONTRACT_EVENT, event, job_id=f"contract-{event['event_id']}",
                    retry=default_retry())

    job_id, horse = wait_for_marker(plat, "run_payments", "payments-")
    # (no read here: on SQLite the paused transaction holds the write lock until it dies)
    os.kill(horse, signal.SIGKILL)
    job = wait_until(lambda: (j := Job.fetch(job_id, connection=redis,
                                             serializer=JSONSerializer)).is_finished and j,
                     timeout=BOUND, what="the retried payment run")
    assert job.return_value() is True
    assert count(plat, "scoring", RUNS, c=CONTRACT["id"]) == 1
    assert count(plat, "scoring", LOGGED, c=CONTRACT["id"]) == 1

    # The same request again (a re-sent outbox row, a second cause): nothing new is recorded.
    again = "payments-again-1"
    marker = Path(plat.environment()["COPROCURE_FAULT_DIR"]) / f"run_payments-{again}.pid"
    marker.write_text("0")  # paused once already, as far as the pause point knows: run through
    enqueue_job(queue, RUN_PAYMENTS, {"schema_version": 1, "event_id": again,
                                      "contract_id": CONTRACT["id"]}, job_id=again)
    repeat = wait_until(lambda: (j := Job.fetch(again, connection=redis,
                                                serializer=JSONSerializer)).is_finished and j,
                        timeout=60, what="the repeated payment run")
    assert repeat.return_value() is False
    assert count(plat, "scoring", RUNS, c=CONTRACT["id"]) == 1
    assert count(plat, "scoring", LOGGED, c=CONTRACT["id"]) == 1
    redis.close()
