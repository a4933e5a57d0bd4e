"""Contract performance from validated results: a pure, versioned model (docs/scoring.md, "17.
Contract performance"). Exact arithmetic (fractions of decimals and whole days), so anyone can
recompute a rating from its published inputs and get the same bytes.

Inputs: ``{"contract": {"id", "start_date", "metrics": [{"id", "unit", "baseline", "target",
"schedule": [{"period", "end"}]}]}, "period": p, "results": [{"metric_id", "value"}]}``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

PERFORMANCE_MODEL_VERSION = "coprocure-performance/1.0.0"

MET, SLIGHTLY_BELOW, BELOW, SIGNIFICANTLY_BELOW = (
    "met", "slightlyBelow", "below", "significantlyBelow")  # the UK OCDS extension's codes
# Achievement (share of the expected improvement achieved) at or above each lower bound.
BANDS: tuple[tuple[Fraction, str], ...] = (
    (Fraction(1), MET), (Fraction(9, 10), SLIGHTLY_BELOW), (Fraction(3, 4), BELOW))
GOOD, APPROACHING, REQUIRES_IMPROVEMENT, INADEQUATE = (
    "Good", "Approaching target", "Requires improvement", "Inadequate")


def _exact(value: Any) -> Fraction:
    return Fraction(Decimal(str(value)))


def _day(value: str) -> date:
    return date.fromisoformat(value[:10])


def expected(metric: dict[str, Any], start: date, period_end: date) -> Fraction:
    """The value the metric should reach by the period's end: on the straight line from the
    baseline (at the contract start) to the target (at its date); the target itself when
    there is no baseline or no target date, or once the target date has passed."""
    target = metric["target"]
    goal = _exact(target["value"])
    baseline = metric.get("baseline")
    if not baseline or baseline.get("value") is None or not target.get("by"):
        return goal
    base, by = _exact(baseline["value"]), _day(target["by"])
    total = (by - start).days
    if total <= 0 or period_end >= by:
        return goal
    elapsed = max(0, (period_end - start).days)
    return base + (goal - base) * Fraction(elapsed, total)


def achievement(metric: dict[str, Any], value: Any, start: date, period_end: date) -> Fraction:
    """How much of the expected change was achieved (1 = on track; direction from the
    baseline, so a falling loneliness score counts as progress when the target is lower)."""
    reported, goal = _exact(value), expected(metric, start, period_end)
    baseline = metric.get("baseline")
    if baseline and baseline.get("value") is not None:
        base = _exact(baseline["value"])
        if goal == base:  # no change expected yet: on track unless it went the wrong way
            final = _exact(metric["target"]["value"])
            worse = (reported - base) * (1 if final >= base else -1) < 0
            return Fraction(0) if worse else Fraction(1)
        return (reported - base) / (goal - base)
    if goal == 0:
        return Fraction(1) if reported == 0 else Fraction(0)
    return reported / goal  # no baseline: higher is better


def classify(share: Fraction) -> str:
    """The measure classification of an achievement, by the published bands."""
    return next((label for bound, label in BANDS if share >= bound), SIGNIFICANTLY_BELOW)


def _show(share: Fraction) -> str:
    return str((Decimal(share.numerator) / Decimal(share.denominator)).quantize(Decimal("0.001")))


def rating_of(classes: list[str]) -> str:
    """The period's rating: the worst classification decides."""
    if SIGNIFICANTLY_BELOW in classes:
        return INADEQUATE
    if BELOW in classes:
        return REQUIRES_IMPROVEMENT
    if SLIGHTLY_BELOW in classes:
        return APPROACHING
    return GOOD


def rate_period(inputs: dict[str, Any]) -> dict[str, Any]:
    """The period's measure classifications and rating, with the reasons, from validated
    results only (metrics without one are listed as not rated)."""
    contract, period = inputs["contract"], inputs["period"]
    start = _day(contract["start_date"])
    results = {r["metric_id"]: r for r in inputs["results"]}
    measures, reasons = [], []
    for metric in contract["metrics"]:
        result = results.get(metric["id"])
        slot = next((p for p in metric["schedule"] if p["period"] == period), None)
        if result is None or slot is None:
            reasons.append(f"{metric['id']}: no validated result for period {period}; not rated")
            continue
        end = _day(slot["end"])
        share = achievement(metric, result["value"], start, end)
        label = classify(share)
        goal = expected(metric, start, end)
        measures.append({"metric_id": metric["id"], "period": period,
                         "value": str(Decimal(str(result["value"]))),
                         "expected": _show(goal), "achievement": _show(share),
                         "measure_classification": label})
        reasons.append(f"{metric['id']}: {result['value']} against {_show(goal)} expected by "
                       f"{slot['end']}, achievement {_show(share)}: {label}")
    rating = rating_of([m["measure_classification"] for m in measures]) if measures else None
    return {"model_version": PERFORMANCE_MODEL_VERSION, "contract_id": contract["id"],
            "period": period, "measures": measures, "rating": rating, "reasons": reasons}
