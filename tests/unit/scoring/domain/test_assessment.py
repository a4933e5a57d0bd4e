"""Automated structural assessment: document shape, gates, caps, flags, indicative scores."""

from __future__ import annotations

import pytest

from services.scoring.domain import MODEL_VERSION, assess_bid, assess_bids
from tests.support.builders import bid_body, gbp, outcome_commitment, tender_document

JOB_START = {"statement": "job start", "declared_level": "outcome"}
SESSIONS = {"statement": "40 peer-support sessions delivered", "declared_level": "outcome"}


def gate(assessment, name):
    return next(g for g in assessment.to_dict()["gates"] if g["name"] == name)


def caps(assessment):
    return {c["criterion_key"]: c["max_score"] for c in assessment.to_dict()["caps"]}


def flag(assessment, name):
    return next((f for f in assessment.to_dict()["flags"] if f["name"] == name), None)


def test_document_shape_matches_api():
    doc = assess_bid(bid_body(), tender_document()).to_dict()
    assert set(doc) == {
        "model_version",
        "commitments",
        "coproduction",
        "gates",
        "caps",
        "flags",
        "indicative_scores",
    }
    assert doc["model_version"] == MODEL_VERSION
    assert doc["commitments"][0] == {
        "index": 0,
        "criterion_key": "Q1",
        "statement": outcome_commitment()["statement"],
        "label": "outcome",
        "outcome_type": "soft",
        "confidence": doc["commitments"][0]["confidence"],
        "rules": doc["commitments"][0]["rules"],
    }
    assert doc["coproduction"]["stages_at_codesign_or_above"] == 3
    assert doc["indicative_scores"] == {"Q1": 4, "Q2": 5, "Q3": 5, "Q4": 3, "Q5": 5, "SV": 1}
    assert doc["caps"] == [] and doc["flags"] == []


def test_commitments_in_submitted_order_across_responses():
    body = bid_body(commitments=[SESSIONS, outcome_commitment()])
    body["responses"][5]["outcome_commitments"] = [JOB_START]  # SV, after Q1's two
    body["responses"].insert(0, body["responses"].pop(5))  # SV response submitted first
    doc = assess_bid(body, tender_document()).to_dict()
    assert [(c["index"], c["criterion_key"], c["label"]) for c in doc["commitments"]] == [
        (0, "SV", "intermediate_outcome"),
        (1, "Q1", "output"),
        (2, "Q1", "outcome"),
    ]


# --- gates -----------------------------------------------------------------------------------


def test_mandatory_responses_gate():
    body = bid_body()
    body["responses"][2]["narrative"] = "   "
    del body["responses"][3]
    result = gate(assess_bid(body, tender_document()), "mandatory_responses_present")
    assert result["passed"] is False and "Q3, Q4" in result["detail"]


@pytest.mark.parametrize(
    ("price", "passed"),
    [
        ("450000.00", True),
        ("450000.01", False),
        ("0.01", True),
        ("0", False),
        ("-5", False),
        ("abc", False),
        (None, False),
    ],
)
def test_price_within_ceiling_gate(price, passed):
    body = bid_body(price=gbp(price))
    assert gate(assess_bid(body, tender_document()), "price_within_ceiling")["passed"] is passed


def test_price_gate_without_ceiling_only_needs_positive_price():
    t = tender_document(price={"weight": 30, "formula": "relative_to_lowest"})
    assert gate(assess_bid(bid_body(price=gbp("9999999")), t), "price_within_ceiling")["passed"]


def test_price_gate_currency_mismatch_fails():
    body = bid_body()
    body["price"]["currency"] = "EUR"
    assert not gate(assess_bid(body, tender_document()), "price_within_ceiling")["passed"]


def test_float_amount_is_refused():
    body = bid_body()
    body["price"]["amount"] = 398000.0
    assert not gate(assess_bid(body, tender_document()), "price_within_ceiling")["passed"]


# --- caps ------------------------------------------------------------------------------------


def test_q1_capped_at_1_when_no_outcome():
    a = assess_bid(bid_body(commitments=[SESSIONS, JOB_START]), tender_document())
    assert caps(a)["Q1"] == 1 and a.indicative_scores["Q1"] == 1


def test_q1_capped_at_1_when_no_commitments():
    assert caps(assess_bid(bid_body(commitments=[]), tender_document()))["Q1"] == 1


def test_q1_capped_at_2_when_any_outcome_unverifiable():
    second = outcome_commitment(statement="tenancy sustained 12 months", baseline=None)
    body = bid_body(commitments=[outcome_commitment(), outcome_commitment(), second])
    a = assess_bid(body, tender_document())
    assert caps(a)["Q1"] == 2
    assert a.indicative_scores["Q1"] == 2  # 5 before the cap
    assert "#2" in a.to_dict()["caps"][0]["reason"]


def test_q2_capped_when_codesign_claimed_without_power_sharing():
    cop = {"stages": {"design": "co-design"}, "power_sharing": ["we listen carefully"]}
    a = assess_bid(bid_body(coproduction=cop), tender_document())
    assert caps(a)["Q2"] == 2
    assert a.indicative_scores["Q2"] == 2


def test_q2_not_capped_below_codesign():
    cop = {"stages": {"design": "consultation"}, "power_sharing": []}
    assert "Q2" not in caps(assess_bid(bid_body(coproduction=cop), tender_document()))


def test_q5_capped_when_no_outcome_assessed_by_users():
    ucla = outcome_commitment(assessed_by=["provider"])
    users_output = {**SESSIONS, "assessed_by": ["people_using_service"]}
    body = bid_body(commitments=[ucla, users_output])
    assert caps(assess_bid(body, tender_document()))["Q5"] == 2


def test_q5_not_capped_by_unverifiable_outcome_assessed_by_users():
    ucla = outcome_commitment(baseline=None)
    assert "Q5" not in caps(assess_bid(bid_body(commitments=[ucla]), tender_document()))


def test_caps_follow_category_not_key():
    t = tender_document()
    for c, key in zip(t["criteria"], ["OUT", "DEPTH", "P", "D", "COA", "SOC"], strict=True):
        c["key"] = key
    body = bid_body(commitments=[SESSIONS], coproduction={"stages": {"design": "co-design"}})
    for r, key in zip(body["responses"], ["OUT", "DEPTH", "P", "D", "COA", "SOC"], strict=True):
        r["criterion_key"] = key
    assert caps(assess_bid(body, t)) == {"OUT": 1, "DEPTH": 2, "COA": 2}


# --- flags -----------------------------------------------------------------------------------


def test_abnormally_low_vs_floor():
    low, fair = bid_body(price=gbp("199999.99")), bid_body(price=gbp("200000.00"))
    assert flag(assess_bid(low, tender_document()), "abnormally_low_price")
    assert not flag(assess_bid(fair, tender_document()), "abnormally_low_price")


def test_abnormally_low_vs_median_of_other_bids():
    t = tender_document(price={"weight": 30, "formula": "relative_to_lowest"})
    others = [{"amount": "300000"}, {"amount": "400000"}, {"amount": "500000"}]
    low = flag(assess_bid(bid_body(price=gbp("279999")), t, others), "abnormally_low_price")
    assert low and "median" in low["detail"]
    assert not flag(assess_bid(bid_body(price=gbp("280000")), t, others), "abnormally_low_price")


def test_assess_bids_compares_each_with_the_others():
    t = tender_document(price={"weight": 30, "formula": "relative_to_lowest"})
    result = assess_bids(
        {k: bid_body(price=gbp(p)) for k, p in (("a", "100000"), ("b", "400000"),
                                                 ("c", "420000"))}, t
    )
    assert flag(result["a"], "abnormally_low_price")
    assert not flag(result["b"], "abnormally_low_price")


@pytest.mark.parametrize(
    ("unit", "baseline", "target", "flagged"),
    [
        ("percent", 40, 140, True),
        ("percent", 40, 90, False),
        ("percent", 40, -1, True),
        ("scale", 7.1, 3.5, True),
        ("scale", 7.1, 5.5, False),
        ("scale", 20, 31, True),
        ("count", 10, 1000, False),
    ],
)
def test_implausible_target(unit, baseline, target, flagged):
    c = outcome_commitment(indicator={"name": "x", "unit": unit}, baseline={"value": baseline},
                           target={"value": target, "by": "2028-01-01"})
    found = flag(assess_bid(bid_body(commitments=[c]), tender_document()), "implausible_target")
    assert bool(found) is flagged


def test_double_counted_measure_between_sv_and_q1():
    body = bid_body()
    body["responses"][5]["outcome_commitments"] = [
        outcome_commitment(statement="Local jobs")
    ]  # same indicator name as Q1's
    found = flag(assess_bid(body, tender_document()), "double_counted_measure")
    assert found and "ucla 3 item loneliness score" in found["detail"]


def test_distinct_sv_measure_not_flagged():
    body = bid_body()
    body["responses"][5]["outcome_commitments"] = [
        {"statement": "10 apprenticeships created", "indicator": {"name": "apprenticeships"}}
    ]
    assert not flag(assess_bid(body, tender_document()), "double_counted_measure")


# --- indicative scores -----------------------------------------------------------------------


def test_indicative_outcomes_levels():
    one = bid_body(commitments=[outcome_commitment(co_defined_with_users=False)])
    two = bid_body(commitments=[outcome_commitment(), outcome_commitment()])
    one, two = assess_bid(one, tender_document()), assess_bid(two, tender_document())
    assert one.indicative_scores["Q1"] == 3
    assert two.indicative_scores["Q1"] == 5


def test_indicative_social_value():
    sv = {
        "statement": "local spend",
        "indicator": {"name": "local spend"},
        "target": {"value": 50, "by": "2028-01-01"},
        "baseline": {"value": 20},
    }
    body = bid_body()
    body["responses"][5]["outcome_commitments"] = [sv, {**sv, "statement": "jobs"}]
    assert assess_bid(body, tender_document()).indicative_scores["SV"] == 5


def test_missing_responses_give_zero_indicative():
    body = {"price": {"amount": "300000", "currency": "GBP"}}
    a = assess_bid(body, tender_document())
    assert a.indicative_scores == {"Q1": 0, "Q2": 0, "Q3": 0, "Q4": 0, "Q5": 0, "SV": 0}
    assert not a.passed_gates


def test_default_criteria_when_tender_has_none():
    t = tender_document()
    del t["criteria"]
    assert set(assess_bid(bid_body(), t).indicative_scores) == {"Q1", "Q2", "Q3", "Q4", "Q5", "SV"}


def test_custom_quality_category_gets_midpoint():
    t = tender_document()
    t["criteria"].append(
        {"key": "Q6", "title": "Local presence", "category": "quality", "weight": 5}
    )
    body = bid_body()
    body["responses"].append({"criterion_key": "Q6", "narrative": "We are local."})
    assert assess_bid(body, t).indicative_scores["Q6"] == 3


@pytest.mark.parametrize(
    "junk",
    [
        {},
        {"responses": "x", "coproduction": 3, "price": "x"},
        {"responses": [None, 3, {"outcome_commitments": "x"}]},
    ],
)
def test_malformed_bid_never_raises(junk):
    assess_bid(junk, tender_document()).to_dict()


def test_assessment_is_deterministic():
    first = assess_bid(bid_body(), tender_document()).to_dict()
    assert first == assess_bid(bid_body(), tender_document()).to_dict()
