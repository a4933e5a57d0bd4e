"""Scoring runs: final scores, caps, thresholds, price points, ranking, tie-breaks, hashes."""

from __future__ import annotations

import copy
import random

import pytest

from services.scoring.domain import (
    MODEL_VERSION,
    ScoringInputError,
    assess_bid,
    canonical_sha256,
    compute_scoring_run,
    find_divergences,
    median,
    needs_moderation,
    verify_replay,
)
from tests.support.builders import (
    KEYS,
    bid_body,
    criteria,
    gbp,
    panel_all,
    run_inputs,
    tender_document,
)


def q1_minimum(score: int) -> dict:
    """The example tender with a minimum score on Q1 (the default criteria have none)."""
    return tender_document(criteria=criteria(Q1={"minimum_score": score}))


def by_id(result):
    return {r["bid_id"]: r for r in result["ranking"]}


def criterion(row, key):
    return next(c for c in row["criteria"] if c["criterion_key"] == key)


def order(result):
    return [r["bid_id"] for r in result["ranking"]]


# --- median and moderation helpers -----------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([4, 4, 2], 4),
        ([2], 2),
        ([2, 3], 2.5),
        ([1, 2, 4, 5], 3),
        ([5, 1, 3, 3], 3),
        ([0, 5], 2.5),
        ([3.5, 4], 3.75),
    ],
)
def test_median(scores, expected):
    assert median(scores) == expected


@pytest.mark.parametrize(
    ("scores", "diverges"),
    [
        ([4, 4, 2], True),
        ([4, 3, 3], False),
        ([5, 3], True),
        ([1], False),
        ([], False),
    ],
)
def test_needs_moderation(scores, diverges):
    assert needs_moderation(scores) is diverges


def test_find_divergences_sorted():
    panel = {"b2": {"Q4": [4, 4, 2], "Q1": [3, 3, 3]}, "b1": {"Q2": [{"score": 1}, {"score": 5}]}}
    assert find_divergences(panel) == [
        {"bid_id": "b1", "criterion_key": "Q2", "scores": [1, 5]},
        {"bid_id": "b2", "criterion_key": "Q4", "scores": [4, 4, 2]},
    ]


# --- final quality score ---------------------------------------------------------------------


def test_points_median_and_total():
    panel = {"A": {**panel_all(4), "Q1": [4, 2, 4]}}
    result = compute_scoring_run(run_inputs({"A": {"price": "398000.00"}}, panel))
    row = by_id(result)["A"]
    q1 = criterion(row, "Q1")
    assert (q1["raw"], q1["capped"], q1["points"], q1["weight"]) == (4, 4, 16.0, 20)
    assert q1["reasons"][0] == "median of 3 evaluator scores [2, 4, 4]"
    assert "published fallback (median)" in q1["reasons"][1]
    assert row["quality"] == 56.0  # 70 × 4/5
    assert row["quality_share"] == 0.8
    assert row["price_points"] == 7.8  # 30 × (450000 − 398000)/200000
    assert row["total"] == 63.8
    assert row["passed"] and row["rank"] == 1


def test_even_number_of_evaluators_uses_mean_of_middle_two():
    panel = {"A": {**panel_all(4), "Q2": [3, 4, 2, 5]}}
    q2 = criterion(
        by_id(compute_scoring_run(run_inputs({"A": {"price": "398000"}}, panel)))["A"], "Q2"
    )
    assert q2["raw"] == 3.5 and q2["points"] == 10.5  # 15 × 3.5 / 5


def test_moderated_consensus_wins_over_median():
    panel = {"A": {**panel_all(4), "Q4": [4, 4, 2]}}
    result = compute_scoring_run(
        run_inputs({"A": {"price": "398000"}}, panel, moderation={"A": {"Q4": 3}})
    )
    q4 = criterion(by_id(result)["A"], "Q4")
    assert q4["raw"] == 3 and q4["reasons"] == [
        "moderated consensus 3 (evaluator scores [2, 4, 4])"
    ]


def test_moderation_as_object_with_rationale():
    result = compute_scoring_run(
        run_inputs(
            {"A": {"price": "398000"}},
            {"A": panel_all(4)},
            moderation={"A": {"Q4": {"score": 2, "rationale": "thin risk plan"}}},
        )
    )
    assert criterion(by_id(result)["A"], "Q4")["capped"] == 2


def test_panel_scores_as_objects():
    panel = {
        "A": {
            **panel_all(4),
            "Q1": [{"evaluator_id": "e1", "score": 5}, {"evaluator_id": "e2", "score": 3}],
        }
    }
    result = compute_scoring_run(run_inputs({"A": {"price": "398000"}}, panel))
    assert criterion(by_id(result)["A"], "Q1")["raw"] == 4


def test_caps_apply_to_panel_scores():
    t = q1_minimum(3)
    a = assess_bid(bid_body(commitments=[{"statement": "40 sessions delivered"}]), t).to_dict()
    result = compute_scoring_run(
        run_inputs({"A": {"price": "398000"}}, {"A": panel_all(4)}, tender=t, assessments={"A": a})
    )
    row = by_id(result)["A"]
    q1 = criterion(row, "Q1")
    assert (q1["raw"], q1["capped"], q1["points"]) == (4, 1, 4.0)
    assert "capped at 1: no commitment is an outcome" in q1["reasons"]
    assert "Q1 scored 1, below its minimum 3" in row["failures"]
    assert not row["passed"]


def test_non_binding_cap_is_reported():
    t = tender_document()
    a = assess_bid(bid_body(commitments=[{"statement": "40 sessions delivered"}]), t).to_dict()
    result = compute_scoring_run(
        run_inputs(
            {"A": {"price": "398000"}},
            {"A": {**panel_all(4), "Q1": [1, 1, 1]}},
            tender=t,
            assessments={"A": a},
        )
    )
    assert "cap at 1 not binding" in criterion(by_id(result)["A"], "Q1")["reasons"][1]


def test_automatic_mode_uses_indicative_scores():
    t = tender_document(evaluation={"mode": "automatic"})
    a = assess_bid(bid_body(), t).to_dict()
    result = compute_scoring_run(
        run_inputs({"A": {"price": "398000"}}, {}, tender=t, assessments={"A": a})
    )
    row = by_id(result)["A"]
    assert [criterion(row, k)["capped"] for k in KEYS] == [4, 5, 5, 3, 5, 1]
    # 20×4/5 + 15 + 10 + 10×3/5 + 5 + 10×1/5 = 16 + 15 + 10 + 6 + 5 + 2
    assert row["quality"] == 54.0
    assert criterion(row, "Q1")["reasons"] == ["indicative score 4 (automated assessment)"]


def test_missing_panel_scores_mean_not_scored_and_fail():
    panel = {"A": {k: v for k, v in panel_all(5).items() if k != "Q3"}}
    row = by_id(compute_scoring_run(run_inputs({"A": {"price": "398000"}}, panel)))["A"]
    q3 = criterion(row, "Q3")
    assert (q3["raw"], q3["capped"], q3["points"]) == (None, None, 0.0)
    assert q3["reasons"] == ["no evaluator scores: not scored"]
    assert "Q3 not scored" in row["failures"] and not row["passed"]


# --- thresholds ------------------------------------------------------------------------------


def test_any_zero_fails():
    panel = {"A": {**panel_all(5), "Q5": [0, 0, 1]}}
    row = by_id(compute_scoring_run(run_inputs({"A": {"price": "398000"}}, panel)))["A"]
    assert row["failures"] == ["Q5 scored 0"]


def test_below_minimum_fails():
    panel = {"A": {**panel_all(5), "Q1": [2, 2, 3]}}
    inputs = run_inputs({"A": {"price": "398000"}}, panel, tender=q1_minimum(3))
    result = compute_scoring_run(inputs)
    assert by_id(result)["A"]["failures"] == ["Q1 scored 2, below its minimum 3"]


def test_quality_share_exactly_at_minimum_passes_and_just_below_fails():
    at = {"A": panel_all(3)}  # 42 / 70 = 0.6 exactly
    below = {"A": {**panel_all(3), "Q5": [2, 2, 2]}}  # 41 / 70
    assert by_id(compute_scoring_run(run_inputs({"A": {"price": "398000"}}, at)))["A"]["passed"]
    row = by_id(compute_scoring_run(run_inputs({"A": {"price": "398000"}}, below)))["A"]
    assert row["failures"] == ["quality share 58.57% below the minimum 60.00%"]


def test_custom_min_quality_share():
    t = tender_document(evaluation={"mode": "panel", "min_quality_share": 0.85})
    row = by_id(
        compute_scoring_run(run_inputs({"A": {"price": "398000"}}, {"A": panel_all(4)}, tender=t))
    )["A"]
    assert not row["passed"]


def test_gate_failure_fails_gets_no_price_points_and_does_not_set_lowest():
    t = tender_document(
        price={
            "weight": 30,
            "formula": "relative_to_lowest",
            "ceiling": {"amount": "450000", "currency": "GBP"},
        }
    )
    failed = {
        "model_version": "t",
        "gates": [{"name": "mandatory_responses_present", "passed": False, "detail": "no Q3"}],
        "caps": [],
    }
    inputs = run_inputs(
        {"A": {"price": "400000"}, "B": {"price": "100000"}, "C": {"price": "500000"}},
        {"A": panel_all(4), "B": panel_all(5), "C": panel_all(5)},
        tender=t,
        assessments={"B": failed},
    )
    result = compute_scoring_run(inputs)
    rows = by_id(result)
    assert result["lowest_compliant_price"] == "400000"
    assert rows["A"]["price_points"] == 30.0
    assert rows["B"]["price_points"] == 0.0 and not rows["B"]["passed"]
    assert rows["B"]["failures"] == ["gate failed: mandatory_responses_present (no Q3)"]
    assert rows["C"]["failures"][0].startswith("gate failed: price_within_ceiling")
    assert order(result) == ["A", "B", "C"]  # failed bids after passing ones, by total


# --- ranking and tie-breaks ------------------------------------------------------------------


def test_failed_bid_ranked_after_passing_even_with_higher_total():
    panel = {"A": panel_all(3), "B": {**panel_all(5), "Q1": [2, 2, 2]}}
    result = compute_scoring_run(
        run_inputs({"A": {"price": "398000"}, "B": {"price": "250000"}}, panel,
                   tender=q1_minimum(3))
    )
    assert by_id(result)["B"]["total"] > by_id(result)["A"]["total"]
    assert order(result) == ["A", "B"]


def test_tie_break_q1_plus_q2():
    a = {"Q1": 4, "Q2": 4, "Q3": 4, "Q4": 4, "Q5": 4, "SV": 4}  # 56, Q1+Q2 = 28
    b = {"Q1": 3, "Q2": 4, "Q3": 4, "Q4": 5, "Q5": 4, "SV": 5}  # 56, Q1+Q2 = 24
    panel = {"B": {k: [v] * 3 for k, v in a.items()}, "A": {k: [v] * 3 for k, v in b.items()}}
    result = compute_scoring_run(
        run_inputs({"A": {"price": "398000"}, "B": {"price": "398000"}}, panel)
    )
    assert by_id(result)["A"]["total"] == by_id(result)["B"]["total"]
    assert order(result) == ["B", "A"]
    assert by_id(result)["A"]["tie_break"] == (
        "tied on total with B; ranked after it by higher Q1+Q2 points"
    )


def test_tie_break_total_quality():
    # A: quality 56, price 400000 → 7.5; B: quality 53, price 380000 → 10.5; both 63.5
    panel = {"A": panel_all(4), "B": {**panel_all(4), "Q3": [3] * 3, "Q5": [3] * 3}}
    result = compute_scoring_run(
        run_inputs({"B": {"price": "380000"}, "A": {"price": "400000"}}, panel)
    )
    rows = by_id(result)
    assert rows["A"]["total"] == rows["B"]["total"] == 63.5
    assert order(result) == ["A", "B"]
    assert rows["B"]["tie_break"].endswith("higher total quality")


def test_tie_break_lower_price():
    t = tender_document(price={"weight": 0, "formula": "fixed_price"})
    result = compute_scoring_run(
        run_inputs(
            {"A": {"price": "300000"}, "B": {"price": "299999"}},
            {"A": panel_all(4), "B": panel_all(4)},
            tender=t,
        )
    )
    assert order(result) == ["B", "A"]
    assert by_id(result)["A"]["tie_break"].endswith("lower price")


def test_tie_break_bid_id_last():
    result = compute_scoring_run(
        run_inputs(
            {"b2": {"price": "300000"}, "b1": {"price": "300000"}},
            {"b1": panel_all(4), "b2": panel_all(4)},
        )
    )
    assert order(result) == ["b1", "b2"]
    assert by_id(result)["b2"]["tie_break"].endswith("bid_id ascending")
    assert by_id(result)["b1"]["tie_break"] is None


# --- determinism -----------------------------------------------------------------------------


def _three_bid_inputs():
    t = tender_document()
    bids = {
        "A": bid_body(price=gbp("398000.00")),
        "B": bid_body(price=gbp("300000.00"), commitments=[]),
        "C": bid_body(price=gbp("420000.00")),
    }
    from services.scoring.domain import assess_bids

    assessments = {k: v.to_dict() for k, v in assess_bids(bids, t).items()}
    panel = {
        "A": {**panel_all(4), "Q4": [4, 4, 2]},
        "B": panel_all(3),
        "C": {**panel_all(3), "Q2": [2, 3, 5, 4]},
    }
    return run_inputs(
        {k: {"price": v["price"]["amount"]} for k, v in bids.items()},
        panel,
        moderation={"A": {"Q4": 3}},
        tender=t,
        assessments=assessments,
    )


def test_same_inputs_same_hashes():
    inputs = _three_bid_inputs()
    first, second = compute_scoring_run(inputs), compute_scoring_run(copy.deepcopy(inputs))
    assert first == second
    assert first["output_sha256"] == second["output_sha256"]
    assert first["model_version"] == MODEL_VERSION
    body = {k: v for k, v in first.items() if k != "output_sha256"}
    assert first["output_sha256"] == canonical_sha256(body)
    assert verify_replay(inputs, first["output_sha256"])


def test_shuffled_bids_and_scores_give_same_output():
    inputs = _three_bid_inputs()
    expected = compute_scoring_run(inputs)
    rng = random.Random(7)
    for _ in range(10):
        shuffled = copy.deepcopy(inputs)
        rng.shuffle(shuffled["bids"])
        for by_key in shuffled["panel_scores"].values():
            for scores in by_key.values():
                rng.shuffle(scores)
        shuffled["panel_scores"] = dict(reversed(list(shuffled["panel_scores"].items())))
        assert compute_scoring_run(shuffled) == expected


def test_changed_input_changes_hashes():
    inputs = _three_bid_inputs()
    changed = copy.deepcopy(inputs)
    changed["panel_scores"]["B"]["Q4"] = [3, 3, 4]
    a, b = compute_scoring_run(inputs), compute_scoring_run(changed)
    assert a["input_sha256"] != b["input_sha256"]
    assert a["output_sha256"] != b["output_sha256"]
    assert not verify_replay(changed, a["output_sha256"])


# --- bad inputs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mutate",
    [
        lambda i: i["panel_scores"]["A"].update(Q1=[6, 4, 4]),
        lambda i: i["panel_scores"]["A"].update(Q1=[-1]),
        lambda i: i["moderation"].update(A={"Q1": 9}),
        lambda i: i["tender"]["evaluation"].update(mode="lottery"),
        lambda i: i["tender"]["price"].update(formula="cheapest_wins"),
        lambda i: i["bids"].append({"bid_id": "A", "price": {"amount": "1"}}),
        lambda i: i["assessments"].pop("A"),
        lambda i: i["panel_scores"]["A"].update(Q1=4),
        lambda i: i["panel_scores"]["A"].update(Q1=["four"]),
    ],
)
def test_bad_inputs_raise_scoring_input_error(mutate):
    inputs = run_inputs({"A": {"price": "398000"}}, {"A": panel_all(4)})
    mutate(inputs)
    with pytest.raises(ScoringInputError):
        compute_scoring_run(inputs)
