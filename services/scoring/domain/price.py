"""Price formulas (docs/scoring.md), computed exactly (Decimal money, Fraction points)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from services.scoring.domain.criteria import ScoringInputError

ABSOLUTE_BENCHMARK = "absolute_benchmark"
RELATIVE_TO_LOWEST = "relative_to_lowest"
LINEAR_DEDUCTION = "linear_deduction"
FIXED_PRICE = "fixed_price"
FORMULAS = (ABSOLUTE_BENCHMARK, RELATIVE_TO_LOWEST, LINEAR_DEDUCTION, FIXED_PRICE)


def parse_amount(money: Any) -> Decimal | None:
    """Amount of {"amount": "123.45", ...} (or a bare decimal string/int) as Decimal, else None."""
    raw = money.get("amount") if isinstance(money, Mapping) else money
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        return None  # floats are refused: money travels as decimal strings
    try:
        amount = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def currency_of(money: Any) -> str | None:
    """Currency code of a money object, if given."""
    cur = money.get("currency") if isinstance(money, Mapping) else None
    return cur if isinstance(cur, str) and cur else None


def price_points_exact(
    formula: str,
    price: Decimal,
    *,
    weight: Fraction | int,
    lowest: Decimal | None = None,
    ceiling: Decimal | None = None,
    floor: Decimal | None = None,
) -> Fraction:
    """Exact price points for one bid; raises ScoringInputError on an unusable configuration."""
    w = Fraction(weight)
    p = Fraction(price)
    if p <= 0:
        raise ScoringInputError("price must be greater than 0")
    if formula == FIXED_PRICE:
        return Fraction(0)
    if formula == ABSOLUTE_BENCHMARK:
        if ceiling is None:
            raise ScoringInputError("absolute_benchmark needs a ceiling")
        c = Fraction(ceiling)
        f = Fraction(floor) if floor is not None else Fraction(0)  # no floor: benchmark from 0
        if c <= f:
            raise ScoringInputError("absolute_benchmark needs ceiling > floor")
        return w * min(Fraction(1), max(Fraction(0), (c - p) / (c - f)))
    if formula in (RELATIVE_TO_LOWEST, LINEAR_DEDUCTION):
        if lowest is None or lowest <= 0:
            return Fraction(0)  # no compliant bid sets L, so nobody earns relative points
        low = Fraction(lowest)
        # p < L only happens for a bid outside the compliant set; never award more than W.
        if formula == RELATIVE_TO_LOWEST:
            return w * min(Fraction(1), low / p)
        return w * min(Fraction(1), max(Fraction(0), 1 - (p - low) / low))
    raise ScoringInputError(f"unknown price formula {formula!r}")


def price_points(
    formula: str,
    price: Decimal,
    *,
    weight: Fraction | int,
    lowest: Decimal | None = None,
    ceiling: Decimal | None = None,
    floor: Decimal | None = None,
) -> float:
    """Price points as a full-precision float (the exact value, correctly rounded once)."""
    return float(
        price_points_exact(
            formula, price, weight=weight, lowest=lowest, ceiling=ceiling, floor=floor
        )
    )
