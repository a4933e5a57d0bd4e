"""The contract performance model: expected values, achievement, bands and the rating."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from services.scoring.domain import performance as perf

LONELINESS = {"id": "M1", "unit": "scale", "baseline": {"value": 7.1},
              "target": {"value": 5.5, "by": "2031-03-01"},
              "schedule": [{"period": 1, "end": "2030-08-31"}, {"period": 2, "end": "2031-02-28"},
                           {"period": 3, "end": "2031-08-31"}]}
JOBS = {"id": "M2", "unit": "count", "baseline": None, "target": {"value": 12, "by": None},
        "schedule": [{"period": 1, "end": "2030-08-31"}, {"period": 2, "end": "2031-02-28"}]}
START = "2030-03-01"


def _inputs(period, results):
    return {"contract": {"id": "ctr_1", "start_date": START, "metrics": [LONELINESS, JOBS]},
            "period": period, "results": results}


def test_expected_value_follows_the_line_from_baseline_to_target():
    start = date(2030, 3, 1)
    half = perf.expected(LONELINESS, start, date(2030, 8, 31))
    assert half == Fraction(71, 10) + (Fraction(55, 10) - Fraction(71, 10)) * Fraction(183, 365)
    assert perf.expected(LONELINESS, start, date(2031, 8, 31)) == Fraction(55, 10)
    assert perf.expected(JOBS, start, date(2030, 8, 31)) == 12


@pytest.mark.parametrize(("share", "label"), [
    (Fraction(1), "met"), (Fraction(3, 2), "met"), (Fraction(9, 10), "slightlyBelow"),
    (Fraction(899, 1000), "below"), (Fraction(3, 4), "below"),
    (Fraction(749, 1000), "significantlyBelow"), (Fraction(-1), "significantlyBelow")])
def test_bands(share, label):
    assert perf.classify(share) == label


def test_a_falling_score_is_progress_when_the_target_is_lower():
    start, end = date(2030, 3, 1), date(2031, 8, 31)
    assert perf.achievement(LONELINESS, 5.5, start, end) == 1
    assert perf.achievement(LONELINESS, 7.1, start, end) == 0
    assert perf.achievement(LONELINESS, 8.0, start, end) < 0


def test_rating_is_decided_by_the_worst_measure_and_lists_reasons():
    out = perf.rate_period(_inputs(2, [{"metric_id": "M1", "value": 5.5},
                                       {"metric_id": "M2", "value": 11}]))
    assert [m["measure_classification"] for m in out["measures"]] == ["met", "slightlyBelow"]
    assert out["rating"] == "Approaching target"
    assert out["measures"][1]["achievement"] == "0.917"
    assert out["reasons"][1].startswith("M2: 11 against 12.000 expected by 2031-02-28")
    assert out["model_version"] == perf.PERFORMANCE_MODEL_VERSION


def test_unvalidated_metrics_are_not_rated_and_no_results_no_rating():
    out = perf.rate_period(_inputs(1, [{"metric_id": "M2", "value": 3}]))
    assert out["rating"] == "Inadequate" and len(out["measures"]) == 1
    assert out["reasons"][0] == "M1: no validated result for period 1; not rated"
    assert perf.rate_period(_inputs(1, []))["rating"] is None


@pytest.mark.parametrize(("classes", "rating"), [
    (["met", "met"], "Good"), (["met", "slightlyBelow"], "Approaching target"),
    (["slightlyBelow", "below"], "Requires improvement"),
    (["met", "significantlyBelow"], "Inadequate")])
def test_ratings(classes, rating):
    assert perf.rating_of(classes) == rating


def test_the_worked_example_of_docs_scoring_md_17():
    m1 = {**LONELINESS, "schedule": [{"period": 1, "end": "2030-05-31"}]}
    inputs = {"contract": {"id": "ctr_1", "start_date": START, "metrics": [m1, JOBS]},
              "period": 1, "results": [{"metric_id": "M1", "value": "6.7"},
                                       {"metric_id": "M2", "value": "11"}]}
    out = perf.rate_period(inputs)
    assert [(m["expected"], m["achievement"], m["measure_classification"])
            for m in out["measures"]] == [("6.701", "1.003", "met"),
                                          ("12.000", "0.917", "slightlyBelow")]
    assert out["rating"] == "Approaching target"
