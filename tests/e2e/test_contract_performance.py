"""After award, through the gateway only: the demo tender becomes a contract, two reporting
periods are reported, co-assessed, disputed and validated, and the published ratings match an
independent calculation made here from docs/scoring.md §17."""

from __future__ import annotations

from datetime import date

import pytest

from services.demo.client import Client
from services.demo.contract import DISPUTE, ContractStage
from shared.waiting import wait_until
from tests.support.journeys import awarded_demo
from tests.support.ocds import package_errors

pytestmark = pytest.mark.e2e


def expected_rating(contract: dict, period: int, validated: dict[str, float]) -> tuple:
    """docs/scoring.md §17, recomputed independently (floats; no boundary case is near)."""
    start = date.fromisoformat(contract["start_date"])
    labels = {}
    for m in contract["metrics"]:
        if m["id"] not in validated:
            continue
        end = date.fromisoformat(m["schedule"][period - 1]["end"])
        base, goal = m["baseline"]["value"], m["target"]["value"]
        by = date.fromisoformat(m["target"]["by"])
        exp = goal if end >= by else base + (goal - base) * (end - start).days / (by - start).days
        share = (validated[m["id"]] - base) / (exp - base)
        labels[m["id"]] = ("met" if share >= 1 else "slightlyBelow" if share >= 0.9
                           else "below" if share >= 0.75 else "significantlyBelow")
    worst = set(labels.values())
    rating = ("Inadequate" if "significantlyBelow" in worst else "Requires improvement"
              if "below" in worst else "Approaching target" if "slightlyBelow" in worst
              else "Good")
    return labels, rating


@pytest.fixture(scope="module")
def awarded(platform):
    return awarded_demo(platform)


def test_a_contract_through_two_periods_with_co_assessment_dispute_and_validation(awarded,
                                                                                   platform):
    demo = awarded
    stage = ContractStage(demo)
    stage.create_assessors()
    contract = stage.wait_for_contract()
    strong = demo.bids["strong"]
    assert contract["bid_id"] == strong["id"] and contract["value"]["amount"] == "398000.00"
    assert [m["statement"] for m in contract["metrics"]][0].startswith("UCLA loneliness")
    assert all(m["schedule"][0]["state"] == "open" for m in contract["metrics"])
    stage.invite()

    # Bad input, through the gateway: each a problem+json naming the field, nothing written.
    provider, cid = demo.clients["strong"], contract["id"]
    body = {"metric_id": "M1", "period": 1, "value": 6.8, "unit": "percent",
            "cohort": {"people_engaged": 1, "people_with_outcome": 1}, "method": "m"}
    for changes, field in (({}, "unit"), ({"unit": "scale", "period": 999}, "period")):
        resp = provider.request("POST", f"/contracts/{cid}/reports", json={**body, **changes},
                                expect=422)
        assert resp.headers["content-type"].startswith("application/problem+json")
        assert field in resp.json()["errors"]
    demo.clients["outputs"].request("POST", f"/contracts/{cid}/reports",
                                    json={**body, "unit": "scale"}, expect=403)
    outsider = demo.clients["outputs"].get("/me")["id"]
    resp = demo.clients["commissioner"].request(
        "POST", f"/contracts/{cid}/assessors", json={"user_id": outsider, "kind": "reviewer"},
        expect=422)
    assert "user_id" in resp.json()["errors"]

    for period in (1, 2):
        stage.report(period)
        stage.co_assess(period)
    disputed = stage.reports[DISPUTE[:2]]
    provider.request("POST", f"/reports/{disputed['id']}/decisions",
                     json={"decision": "validated"}, expect=403)  # never by the provider
    for period in (1, 2):
        stage.decide(period)
    performance = stage.wait_for_performance()

    history = demo.clients["commissioner"].get(f"/contracts/{cid}/reports")["items"]
    entry_kinds = next(r for r in history if r["id"] == disputed["id"])["entries"]
    assert [e["kind"] for e in entry_kinds] == ["review", "decision", "reply", "decision"]
    assert [e["verdict"] for e in entry_kinds] == ["partly", "disputed", None, "validated"]

    public = Client(platform.url()).get(f"/contracts/{cid}")
    assert len(public["results"]) == 6 and "usr_" not in str(public)
    for rated in performance["periods"]:
        validated = {r["metric_id"]: r["value"] for r in public["results"]
                     if r["period"] == rated["period"]}
        labels, rating = expected_rating(public, rated["period"], validated)
        assert {m["metric_id"]: m["measure_classification"] for m in rated["measures"]} == labels
        assert rated["rating"] == rating, rated["reasons"]
    assert sorted(p["period"] for p in performance["periods"]) == [1, 2]

    # The auditor sees every step in the log and replays a rating bit for bit.
    auditor = demo.clients["auditor"]
    steps = {"contract_created", "report_submitted", "report_reviewed", "result_disputed",
             "dispute_replied", "result_validated", "rating_published"}

    def logged() -> set[str] | None:
        # Each step reaches scoring as its own job; a retried one (e.g. SQLite busy under load)
        # may land after a later step's rating, so wait for the log rather than read it once.
        events = auditor.get(f"/audit/events?tender_id={demo.tender['id']}&limit=200")["items"]
        types = {e["event_type"] for e in events}
        return types if steps <= types else None

    assert steps <= wait_until(logged, timeout=60, what="every contract step in the audit log")
    replay = auditor.post(f"/performance-ratings/{performance['periods'][0]['id']}/replay")
    assert replay["matches"] is True

    # The OCDS export carries the contract, its agreed metrics and the rated periods.
    ocds = Client(platform.url()).get(f"/tenders/{demo.tender['id']}/ocds")
    assert package_errors(ocds) == []
    last = ocds["releases"][-1]
    assert last["tag"] == ["implementation"]
    implemented = last["contracts"][0]["implementation"]
    assert {m["id"] for m in implemented["metrics"]} == {"M1", "M2", "M3"}
    assert all(len(m["observations"]) == 2 for m in implemented["metrics"])
    assert last["contracts"][0]["agreedMetrics"][0]["id"] == "M1"
