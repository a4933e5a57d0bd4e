"""A commitment's fields as bids send them (any field may be missing, None or malformed): split
from classifier.py (model 2.5.0), which re-exports them."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from shared.methodology import (
    BASELINE_COHORT,
    BASELINE_COMPARISON,
    BASELINE_PER_PERSON,
    BASELINE_VALUE,
)


def as_mapping(value: Any) -> Mapping[str, Any]:
    """value if it is a mapping, else an empty one (bids may carry any junk)."""
    return value if isinstance(value, Mapping) else {}


def text(value: Any) -> str:
    """A string field, or '' for None and non-strings."""
    return value.strip() if isinstance(value, str) else ""


def number(value: Any) -> Decimal | None:
    """A finite Decimal from a number or numeric string, else None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        parsed = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return parsed if parsed.is_finite() else None


def _has_value(value: Any) -> bool:
    """A baseline/target is present when it carries a numeric value (0 counts)."""
    if isinstance(value, Mapping):
        return number(value.get("value")) is not None
    return number(value) is not None


def baseline_present(value: Any) -> bool:
    """R5: a single numeric value (0 counts; the default kind), a per-person intake measure on
    a named instrument, or a described comparison group / historical cohort."""
    baseline = as_mapping(value)
    kind = text(baseline.get("kind")) or BASELINE_VALUE
    if kind == BASELINE_PER_PERSON:
        return bool(text(baseline.get("instrument")))
    if kind in (BASELINE_COMPARISON, BASELINE_COHORT):
        return bool(text(baseline.get("description")))
    return kind == BASELINE_VALUE and _has_value(value)


def sustainment_months(commitment: Mapping[str, Any]) -> Decimal | None:
    """The positive sustainment period in months, if any."""
    months = number(commitment.get("sustainment_period_months"))
    return months if months is not None and months > 0 else None
