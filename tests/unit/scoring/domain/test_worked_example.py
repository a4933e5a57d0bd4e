"""The numbers published in docs/scoring.md §14 are the numbers the code produces."""

from __future__ import annotations

import pytest

from services.scoring.domain import compute_scoring_run
from tests.unit.scoring.domain.worked_example import example_inputs


def test_assessments_of_the_worked_example():
    a = example_inputs()["assessments"]
    assert a["bid-a"]["indicative_scores"] == {"Q1": 4, "Q2": 5, "Q3": 5, "Q4": 3, "Q5": 5, "SV": 1}
    assert a["bid-b"]["indicative_scores"] == {"Q1": 1, "Q2": 2, "Q3": 2, "Q4": 3, "Q5": 1, "SV": 1}
    assert a["bid-c"]["indicative_scores"] == {"Q1": 5, "Q2": 2, "Q3": 4, "Q4": 3, "Q5": 1, "SV": 1}
    assert [c["label"] for c in a["bid-b"]["commitments"]] == ["output", "engagement"]
    assert {(c["criterion_key"], c["max_score"]) for c in a["bid-b"]["caps"]} == {
        ("Q1", 1),
        ("Q2", 2),
        ("Q5", 2),
    }
    assert [(c["label"], c["outcome_type"]) for c in a["bid-c"]["commitments"]] == [
        ("outcome", "hard"),
        ("outcome", "soft"),
    ]


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        (
            "absolute_benchmark",
            [("bid-c", 66.5, 53.0, 13.5), ("bid-a", 60.3, 52.5, 7.8), ("bid-b", 51.5, 32.0, 19.5)],
        ),
        (
            "relative_to_lowest",
            [
                ("bid-c", 79.66666666666667, 53.0, 26.666666666666668),
                ("bid-a", 76.62060301507537, 52.5, 24.12060301507538),
                ("bid-b", 62.0, 32.0, 30.0),
            ],
        ),
        (
            "linear_deduction",
            [
                ("bid-c", 79.25, 53.0, 26.25),
                ("bid-a", 75.1875, 52.5, 22.6875),
                ("bid-b", 62.0, 32.0, 30.0),
            ],
        ),
        (
            "fixed_price",
            [("bid-c", 53.0, 53.0, 0.0), ("bid-a", 52.5, 52.5, 0.0), ("bid-b", 32.0, 32.0, 0.0)],
        ),
    ],
)
def test_worked_example_totals(formula, expected):
    result = compute_scoring_run(example_inputs(formula))
    got = [(r["bid_id"], r["total"], r["quality"], r["price_points"]) for r in result["ranking"]]
    assert got == expected
    failed = result["ranking"][2]
    assert failed["failures"] == [
        "Q1 scored 1, below its minimum 3",
        "quality share 45.71% below the minimum 60.00%",
    ]
