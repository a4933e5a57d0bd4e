"""The evidence library: completed periods only, validated figures only, by Four-Co depth;
a framework's tender body prefilled and citing its contract."""

from __future__ import annotations

from datetime import date

from services.scoring.domain import library
from tests.support.builders import criteria, decided, rated_contract, tender_document

DEEP = library.depth_of({"coproduction": {"stages_at_codesign_or_above": 4,
                                          "highest_level": "co-production"}})
SHALLOW = library.depth_of({"coproduction": {"stages_at_codesign_or_above": 1}})


def _contract(cid, decisions):
    doc = rated_contract(cid, periods=3, metrics=("M1",))
    doc["decisions"] = decisions
    return doc


def test_counts_by_depth_from_validated_results_of_completed_periods_only():
    deep = _contract("ctr_a", {"1": [decided("M1", 1, 20, engaged=30)],
                               "2": [decided("M1", 2, 25, engaged=40, decision="disputed")]})
    shallow = _contract("ctr_b", {"1": [decided("M1", 1, 5, engaged=10)]})
    out = library.evidence([{"doc": deep, "depth": DEEP, "met": {("M1", 1)}},
                            {"doc": shallow, "depth": SHALLOW, "met": set()}],
                           today=date(2030, 4, 15))  # period 1 ended; 2 decided; 3 open
    (indicator,) = out["indicators"]
    assert indicator["contracts"] == 2 and indicator["frameworks"] == ["fw-ctr_a", "fw-ctr_b"]
    rows = {r["stages"]: r for r in indicator["by_depth"]}
    assert [r["stages"] for r in indicator["by_depth"]] == [4, 1]
    assert (rows[4]["targeted"], rows[4]["validated"], rows[4]["achieved"]) == (2, 1, 1)
    assert (rows[4]["people_engaged"], rows[4]["people_with_outcome"]) == (30, 20)  # no 25
    assert (rows[1]["targeted"], rows[1]["validated"], rows[1]["achieved"]) == (1, 1, 0)
    assert "usr_" not in str(out) and "rpt_" not in str(out)


def test_nothing_is_listed_before_a_period_completes():
    fresh = _contract("ctr_c", {"1": [decided("M1", 1, 20)]})
    fresh["metrics"].append({**fresh["metrics"][0], "id": "M2"})  # M2 not decided yet
    assert library.evidence([{"doc": fresh, "depth": DEEP, "met": set()}],
                            today=date(2030, 1, 15))["indicators"] == []


def test_a_framework_prefills_criteria_indicators_and_the_rate_card_and_cites_the_contract():
    doc = _contract("ctr_a", {})
    tender = tender_document(id="tnd_a", criteria=criteria())
    fw = library.framework(doc, tender, DEEP)
    template = fw["tender_template"]
    assert template["source"] == {"framework_id": "fw-ctr_a", "contract_id": "ctr_a",
                                  "title": "Wellbeing service"}
    assert template["rate_card"]["outcomes"][0]["price"]["amount"] == "400.00"
    assert all("metric_id" not in o for o in template["rate_card"]["outcomes"])
    q1 = next(c for c in template["criteria"] if c["key"] == "Q1")
    assert "Outcome M1 (measured by Indicator M1)" in q1["outcomes_sought"]


def test_a_period_is_complete_when_every_metric_that_has_it_is_decided():
    doc = _contract("ctr_d", {"3": [decided("M1", 3, 4)]})
    doc["metrics"].append({**doc["metrics"][0], "id": "M2",
                           "schedule": doc["metrics"][0]["schedule"][:2]})  # no period 3
    assert library.completed_periods(doc, date(2030, 1, 15)) == {3}
