"""Outcome payments in scoring through the real rq jobs: a decision on a rate-carded contract
queues a payment run, recorded once with its audit entry; disputes pay nothing; replay."""

from __future__ import annotations

import pytest
from rq.registry import ScheduledJobRegistry
from sqlalchemy import func, select

from services.scoring.adapters.tables.audit import AuditEntry
from services.scoring.adapters.tables.payments import PaymentRun
from services.scoring.adapters.tables.performance import PerformanceRating
from shared.contracts import RECORD_CONTRACT_EVENT, RUN_PAYMENTS
from shared.queue import get_queue
from tests.integration.scoring.harness import person
from tests.support.builders import contract_event, decided, rated_contract

CONTRACT = rated_contract()


def _send(scoring, *events):
    for e in events:
        scoring.enqueue(RECORD_CONTRACT_EVENT, e, f"contract-{e['event_id']}")
    scoring.work()


def _created(contract=CONTRACT):
    data = {k: v for k, v in contract.items() if k != "id"}
    return contract_event("ContractCreated", 1, contract, data)


def _decision(n, period, decisions, verdict="validated"):
    return contract_event("ResultDecided", n, CONTRACT,
                          {"report_id": decisions[-1]["report_id"], "metric_id": "M1",
                           "period": period, "version": 1, "verdict": verdict},
                          period=period, decisions=decisions, role="validator")


def _runs(scoring):
    with scoring.session_factory() as s:
        return s.scalar(select(func.count()).select_from(PaymentRun))


def test_a_dispute_pays_nothing_until_validated_and_each_change_is_one_run(scoring):
    anyone = person("bidder")
    _send(scoring, _created(),
          _decision(2, 1, [decided("M1", 1, 25), decided("M2", 1, 18, decision="disputed")],
                    "disputed"))
    doc = scoring.get(anyone, "/contracts/ctr_1/payments").get_json()
    assert doc["current"]["total"] == "10000.00"  # 25 x 400; the disputed M2 is not paid
    assert doc["current"]["excluded"][0]["reason"].startswith("disputed")
    _send(scoring, _decision(3, 1, [decided("M1", 1, 25), decided("M2", 1, 18)]))
    doc = scoring.get(anyone, "/contracts/ctr_1/payments").get_json()
    assert doc["current"]["total"] == "15400.00" and doc["current"]["revision"] == 2
    assert [r["current"] for r in doc["history"]] == [True, False]
    assert doc["rate_card"]["outcomes"][0]["metric_id"] == "M1"
    with scoring.session_factory() as s:
        types = list(s.scalars(select(AuditEntry.event_type).where(
            AuditEntry.event_type == "payments_calculated")))
    assert len(types) == 2


def test_a_job_run_twice_records_one_run(scoring):
    _send(scoring, _created(), _decision(2, 1, [decided("M1", 1, 25)]))
    assert _runs(scoring) == 1
    for _ in range(2):  # the same job again, and a new job for unchanged inputs
        scoring.enqueue(RUN_PAYMENTS, {"schema_version": 1, "event_id": "payments-again",
                                       "contract_id": "ctr_1"})
    scoring.work()
    assert _runs(scoring) == 1


def test_a_contract_without_a_rate_card_has_no_payments_and_unknown_is_404(scoring):
    plain = {**CONTRACT, "rate_card": None}
    _send(scoring, _created(plain), _decision(2, 1, [decided("M1", 1, 25)]))
    doc = scoring.get(person("bidder"), "/contracts/ctr_1/payments").get_json()
    assert doc["rate_card"] is None and doc["current"] is None and doc["history"] == []
    resp = scoring.get(person("bidder"), "/contracts/ctr_nope/payments")
    assert resp.status_code == 404
    assert resp.headers["content-type"].startswith("application/problem+json")


def test_replay_matches_the_audit_log_and_only_auditors_replay(scoring):
    _send(scoring, _created(), _decision(2, 1, [decided("M1", 1, 25), decided("M3", 1, 2)]))
    run_id = scoring.get(person("bidder"), "/contracts/ctr_1/payments").get_json()[
        "current"]["id"]
    replay = scoring.post(person("auditor"), f"/payment-runs/{run_id}/replay").get_json()
    assert replay["matches"] is True
    assert scoring.post(person("commissioner"), f"/payment-runs/{run_id}/replay"
                        ).status_code == 403


def test_a_decision_from_an_older_producer_leaves_the_kept_results_alone(scoring):
    _send(scoring, _created(), _decision(2, 1, [decided("M1", 1, 25)]))
    older = _decision(3, 1, [decided("M1", 1, 30)])
    del older["decisions"]  # sent before issue 19: no decided results with it
    _send(scoring, older)
    doc = scoring.get(person("bidder"), "/contracts/ctr_1/payments").get_json()
    assert doc["current"]["total"] == "10000.00" and len(doc["history"]) == 1


def _run_due_retries(scoring) -> list[str]:
    """Put the scheduled retries on the queue now, as rq's scheduler does when they fall due."""
    queue = get_queue("scoring", scoring.redis)
    registry = ScheduledJobRegistry(queue=queue)
    ids = registry.get_job_ids()
    for job_id in ids:
        job = queue.fetch_job(job_id)
        registry.remove(job)
        queue.enqueue_job(job)
    scoring.work()
    return ids


def test_a_decision_relayed_before_its_contract_is_retried_and_paid(scoring):
    """ContractCreated can reach scoring after a step of the same contract (the sweeper's
    event goes by the relay, the step's at once): the step waits for the contract instead of
    losing its decisions, and leaves no trace until then."""
    decision = _decision(2, 1, [decided("M1", 1, 25)])
    with pytest.raises(AssertionError, match="ContractNotYetRecorded"):
        _send(scoring, decision)
    with scoring.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 0
    _send(scoring, _created())
    assert _run_due_retries(scoring) == [f"contract-{decision['event_id']}"]
    doc = scoring.get(person("bidder"), "/contracts/ctr_1/payments").get_json()
    assert doc["current"]["total"] == "10000.00" and _runs(scoring) == 1


def test_an_older_decision_delivered_late_changes_nothing(scoring):
    """A retried step may arrive after a newer one of the same period: the newer decisions
    and rating stand."""
    _send(scoring, _created(), _decision(3, 1, [decided("M1", 1, 25), decided("M2", 1, 18)]))
    _send(scoring, _decision(2, 1, [decided("M1", 1, 30)]))
    doc = scoring.get(person("bidder"), "/contracts/ctr_1/payments").get_json()
    assert doc["current"]["total"] == "15400.00" and len(doc["history"]) == 1
    with scoring.session_factory() as s:
        ratings = list(s.scalars(select(PerformanceRating.revision).where(
            PerformanceRating.contract_id == "ctr_1")))
    assert ratings == [1]
