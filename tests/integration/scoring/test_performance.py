"""Contract performance in scoring: each contract step logged, periods rated from validated
results through the real rq job, the public document, and replay against the audit log."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from services.scoring.adapters.tables.audit import AuditEntry
from services.scoring.adapters.tables.performance import PerformanceRating
from shared.contracts import RECORD_CONTRACT_EVENT
from tests.integration.scoring.harness import person

CONTRACT_ID = "ctr_" + "1" * 32  # the shape of a real id: anything else is a 404
PERFORMANCE = f"/contracts/{CONTRACT_ID}/performance"
CONTRACT = {"id": CONTRACT_ID, "start_date": "2030-03-01", "metrics": [
    {"id": "M1", "unit": "scale", "baseline": {"value": 7.1, "date": None, "source": None},
     "target": {"value": 5.5, "by": "2031-03-01"},
     "schedule": [{"period": 1, "end": "2030-05-31"}, {"period": 2, "end": "2030-08-31"}]},
    {"id": "M2", "unit": "count", "baseline": None, "target": {"value": 12, "by": None},
     "schedule": [{"period": 1, "end": "2030-08-31"}, {"period": 2, "end": "2031-02-28"}]}]}


def _event(n, event_type, data, period=None, validated=None, role="provider"):
    return {"schema_version": 1, "event_id": f"{event_type}-{n}", "event_type": event_type,
            "contract_id": CONTRACT_ID, "tender_id": "tnd_1",
            "occurred_at": f"2030-06-0{n}T10:00:00Z", "actor_id": f"usr_{role}",
            "actor_role": role, "request_id": None, "contract": CONTRACT, "data": data,
            "period": period, "validated": validated or []}


def _decided(n, verdict, validated, report="rpt_1"):
    return _event(n, "ResultDecided", {"report_id": report, "metric_id": "M1", "period": 1,
                                       "version": 1, "verdict": verdict}, 1, validated,
                  "commissioner")


def _created():
    return _event(1, "ContractCreated", {"bid_id": "bid_1"}, role="system")


def _send(scoring, *events):
    for e in events:
        scoring.enqueue(RECORD_CONTRACT_EVENT, e, f"contract-{e['event_id']}")
    scoring.work()


def _types(scoring):
    with scoring.session_factory() as s:
        return [e for e in s.scalars(select(AuditEntry.event_type).order_by(AuditEntry.seq))]


def test_every_step_is_logged_and_a_validation_publishes_a_rating(scoring):
    anyone = person("bidder")
    _send(scoring,
          _created(),
          _event(2, "ReportSubmitted", {"report_id": "rpt_1", "metric_id": "M1", "period": 1,
                                        "value": "6.7"}, 1),
          _event(3, "ReportReviewed", {"report_id": "rpt_1", "verdict": "partly"}, 1,
                 role="reviewer"),
          _decided(4, "disputed", []),
          _event(5, "DisputeReplied", {"report_id": "rpt_1"}, 1),
          _decided(6, "validated", [{"metric_id": "M1", "value": "6.7", "report_id": "rpt_1",
                                     "report_version": 1}]))
    assert _types(scoring) == ["contract_created", "report_submitted", "report_reviewed",
                               "result_disputed", "dispute_replied", "result_validated",
                               "rating_published"]
    doc = scoring.get(anyone, PERFORMANCE).get_json()
    (period,) = doc["periods"]
    # M1 expected 7.1 - 1.6 * 91/365 on 2030-05-31; achieved (6.7-7.1)/(expected-7.1)
    expected = 7.1 - 1.6 * 91 / 365
    share = (6.7 - 7.1) / (expected - 7.1)
    assert period["measures"][0]["expected"] == f"{expected:.3f}"
    assert period["measures"][0]["achievement"] == f"{share:.3f}"
    assert period["measures"][0]["measure_classification"] == "met" and share >= 1
    assert period["rating"] == "Good"
    assert "M2: no validated result for period 1; not rated" in period["reasons"]
    assert doc["bands"] == {"met": "1", "slightlyBelow": "9/10", "below": "3/4"}


def test_a_dispute_that_changes_nothing_publishes_nothing_and_duplicates_are_ignored(scoring):
    first = _decided(1, "disputed", [])
    _send(scoring, _created(), first, first)
    assert _types(scoring) == ["contract_created", "result_disputed"]
    assert scoring.get(person("bidder"), PERFORMANCE).get_json()[
        "periods"] == []


def test_a_later_validation_revises_the_period_and_keeps_the_history(scoring):
    v1 = [{"metric_id": "M1", "value": "6.7", "report_id": "rpt_1", "report_version": 1}]
    v2 = v1 + [{"metric_id": "M2", "value": "2", "report_id": "rpt_2", "report_version": 1}]
    _send(scoring, _created(), _decided(1, "validated", v1),
          _decided(2, "validated", v2, "rpt_2"))
    doc = scoring.get(person("bidder"), PERFORMANCE).get_json()
    assert [(r["revision"], r["current"]) for r in doc["history"]] == [(2, True), (1, False)]
    assert doc["periods"][0]["rating"] == "Inadequate"  # 2 of 12 expected: significantly below


def test_replay_matches_until_the_stored_inputs_are_tampered_with(scoring):
    _send(scoring, _created(), _decided(1, "validated", [
        {"metric_id": "M1", "value": "6.7", "report_id": "rpt_1", "report_version": 1}]))
    auditor = person("auditor")
    rating_id = scoring.get(auditor, PERFORMANCE).get_json()["periods"][0][
        "id"]
    replay = scoring.post(auditor, f"/performance-ratings/{rating_id}/replay").get_json()
    assert replay["matches"] is True
    assert replay["input_sha256"] == replay["original_input_sha256"]
    with scoring.session_factory.begin() as s:
        row = s.get(PerformanceRating, rating_id)
        tampered = json.loads(json.dumps(row.inputs))
        tampered["results"][0]["value"] = "5.0"
        s.execute(update(PerformanceRating).where(PerformanceRating.id == rating_id)
                  .values(inputs=tampered))
    again = scoring.post(auditor, f"/performance-ratings/{rating_id}/replay").get_json()
    assert again["matches"] is False
    assert _types(scoring)[-2:] == ["rating_replayed", "rating_replayed"]
    resp = scoring.post(person("commissioner"), f"/performance-ratings/{rating_id}/replay")
    assert resp.status_code == 403


def test_a_contract_change_is_logged_and_kept_for_the_export(scoring):
    from services.scoring.adapters.tables.performance import ContractRecord

    created = _event(1, "ContractCreated", {"title": "t", "metrics": [{"id": "M1"}]},
                     role="system")
    changed = _event(2, "ContractChanged", {"number": 1, "version": 2,
                                            "metrics": [{"id": "M1", "target": {"value": 5}}]},
                     role="buyer")
    _send(scoring, created, changed)
    assert _types(scoring) == ["contract_created", "contract_changed"]
    with scoring.session_factory() as s:
        doc = s.get(ContractRecord, "ctr_11111111111111111111111111111111").doc
    assert doc["version"] == 2 and doc["metrics"][0]["target"] == {"value": 5}
    assert doc["title"] == "t"
