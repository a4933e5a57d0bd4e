"""Price formulas of docs/scoring.md with hand-computed numbers."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import pytest

from services.scoring.domain import ScoringInputError, parse_amount, price_points
from services.scoring.domain.price import price_points_exact

C, F = D("450000.00"), D("250000.00")


@pytest.mark.parametrize(
    ("price", "points"),
    [
        ("398000.00", 7.8),  # 30 × (450000 − 398000) / 200000 = 30 × 0.26
        ("350000.00", 15.0),  # 30 × 0.5
        ("250000.00", 30.0),  # at the floor: full marks
        ("200000.00", 30.0),  # below the floor: clipped to 1
        ("450000.00", 0.0),  # at the ceiling
        ("460000.00", 0.0),  # above the ceiling: clipped to 0
    ],
)
def test_absolute_benchmark(price, points):
    assert price_points("absolute_benchmark", D(price), weight=30, ceiling=C, floor=F) == points


def test_absolute_benchmark_without_floor_benchmarks_from_zero():
    # 30 × (450000 − 300000) / 450000 = 10
    assert price_points("absolute_benchmark", D("300000"), weight=30, ceiling=C) == 10.0


def test_absolute_benchmark_ignores_lowest():
    a = price_points(
        "absolute_benchmark", D("398000"), weight=30, ceiling=C, floor=F, lowest=D("1")
    )
    assert a == 7.8


@pytest.mark.parametrize(
    ("price", "lowest", "points"),
    [
        ("400000", "300000", 22.5),  # 30 × 300000 / 400000
        ("300000", "300000", 30.0),
        ("450000", "300000", 20.0),  # 30 × 2/3
    ],
)
def test_relative_to_lowest(price, lowest, points):
    assert price_points("relative_to_lowest", D(price), weight=30, lowest=D(lowest)) == points


@pytest.mark.parametrize(
    ("price", "lowest", "points"),
    [
        ("400000", "300000", 20.0),  # 30 × (1 − 100000/300000)
        ("300000", "300000", 30.0),
        ("450000", "300000", 15.0),  # 30 × (1 − 0.5)
        ("600000", "300000", 0.0),  # twice the lowest: nothing left
        ("700000", "300000", 0.0),  # never negative
    ],
)
def test_linear_deduction(price, lowest, points):
    assert price_points("linear_deduction", D(price), weight=30, lowest=D(lowest)) == points


def test_fixed_price_scores_nothing():
    assert price_points("fixed_price", D("1"), weight=30) == 0.0


def test_full_precision_float():
    # 30 × 300000 / 350000 = 180/7: one correct rounding, no 2 dp rounding.
    got = price_points("relative_to_lowest", D("350000"), weight=30, lowest=D("300000"))
    assert got == float(Fraction(180, 7))


def test_relative_never_exceeds_weight():
    assert price_points("relative_to_lowest", D("100"), weight=30, lowest=D("200")) == 30.0


def test_no_compliant_lowest_gives_zero():
    assert price_points("relative_to_lowest", D("100"), weight=30, lowest=None) == 0.0


@pytest.mark.parametrize(
    ("formula", "kwargs"),
    [
        ("absolute_benchmark", {}),
        ("absolute_benchmark", {"ceiling": D("1"), "floor": D("1")}),
        ("nonsense", {"ceiling": C}),
    ],
)
def test_bad_configuration_raises(formula, kwargs):
    with pytest.raises(ScoringInputError):
        price_points_exact(formula, D("10"), weight=30, **kwargs)


def test_non_positive_price_raises():
    with pytest.raises(ScoringInputError):
        price_points("fixed_price", D("0"), weight=0)


@pytest.mark.parametrize(
    ("money", "amount"),
    [
        ({"amount": "398000.00", "currency": "GBP"}, D("398000.00")),
        ("12.5", D("12.5")),
        (7, D(7)),
        ({"amount": 1.5}, None),
        ({"amount": "NaN"}, None),
        ({"amount": "x"}, None),
        (None, None),
        ({"amount": True}, None),
    ],
)
def test_parse_amount(money, amount):
    assert parse_amount(money) == amount
