"""Award criteria of a tender: the default set (shared.methodology) and category lookup."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from shared import methodology
from shared.methodology import CATEGORIES, DEFAULT_PRICE_WEIGHT  # noqa: F401  (re-exported)

OUTCOMES = "outcomes"
COPRODUCTION_DEPTH = "coproduction_depth"
COPRODUCTION_PRINCIPLES = "coproduction_principles"
DELIVERY = "delivery"
CO_ASSESSMENT = "co_assessment"
SOCIAL_VALUE = "social_value"
QUALITY = "quality"
PRICE = "price"

# Used when a criterion omits its category, so the default keys keep working.
DEFAULT_CATEGORY_BY_KEY = {
    "Q1": OUTCOMES,
    "Q2": COPRODUCTION_DEPTH,
    "Q3": COPRODUCTION_PRINCIPLES,
    "Q4": DELIVERY,
    "Q5": CO_ASSESSMENT,
    "SV": SOCIAL_VALUE,
    "PRICE": PRICE,
}

# What scoring needs of the published default set (a tender without criteria uses it).
DEFAULT_CRITERIA: tuple[dict[str, Any], ...] = tuple(
    {k: c[k] for k in ("key", "title", "category", "weight")} for c in methodology.DEFAULT_CRITERIA)


class ScoringInputError(ValueError):
    """Inputs that cannot be scored (bad tender configuration, out-of-range score)."""


@dataclass(frozen=True)
class Criterion:
    """One quality criterion as the scoring model needs it."""

    key: str
    title: str
    category: str
    weight: Fraction
    minimum_score: Fraction | None


def to_fraction(value: Any, what: str) -> Fraction:
    """Exact rational from an int, a decimal string or a float (via its shortest repr)."""
    if isinstance(value, bool) or value is None:
        raise ScoringInputError(f"{what} must be a number, got {value!r}")
    try:
        exact = Fraction(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        raise ScoringInputError(f"{what} must be a number, got {value!r}") from None
    return exact


def quality_criteria(tender: Mapping[str, Any]) -> list[Criterion]:
    """The tender's quality criteria in published order (defaults when none are given)."""
    raw = tender.get("criteria") or DEFAULT_CRITERIA
    found: list[Criterion] = []
    seen: set[str] = set()
    for item in raw:
        key = str(item.get("key") or "")
        category = item.get("category") or DEFAULT_CATEGORY_BY_KEY.get(key, QUALITY)
        if category == PRICE:
            continue  # price is scored by the tender's price formula, not as quality
        if not key or key in seen:
            raise ScoringInputError(f"criterion key missing or duplicated: {key!r}")
        seen.add(key)
        minimum = item.get("minimum_score")
        found.append(
            Criterion(
                key=key,
                title=str(item.get("title") or key),
                category=str(category),
                weight=to_fraction(item.get("weight", 0), f"weight of {key}"),
                minimum_score=None
                if minimum is None
                else to_fraction(minimum, f"minimum of {key}"),
            )
        )
    return found


def keys_in_category(criteria: list[Criterion], category: str) -> list[str]:
    """Keys of the criteria in one category, in published order."""
    return [c.key for c in criteria if c.category == category]
