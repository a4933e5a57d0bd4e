"""Panel helpers: the published median rule and divergence detection."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from numbers import Real
from typing import Any

from services.scoring.domain.criteria import ScoringInputError

# Individual scores this far apart (or more) need a moderated consensus.
DIVERGENCE_THRESHOLD = 2


def median(values: Iterable[Real]) -> Fraction:
    """Median as an exact Fraction; for an even count, the mean of the two middle values."""
    ordered = sorted(Fraction(str(v)) if isinstance(v, float) else Fraction(v) for v in values)
    if not ordered:
        raise ValueError("median of no values")
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def needs_moderation(scores: Sequence[Real]) -> bool:
    """True when any two individual scores differ by DIVERGENCE_THRESHOLD or more."""
    return len(scores) > 1 and max(scores) - min(scores) >= DIVERGENCE_THRESHOLD


def score_values(entries: Iterable[Any]) -> list[Real]:
    """Scores from a list of numbers or of {"score": n, ...} objects (order preserved)."""
    values: list[Real] = []
    for entry in entries or ():
        value = entry.get("score") if isinstance(entry, Mapping) else entry
        if isinstance(value, bool) or not isinstance(value, Real):
            raise ScoringInputError(f"score must be a number, got {value!r}")
        values.append(value)
    return values


def find_divergences(
    panel_scores: Mapping[str, Mapping[str, Iterable[Any]]],
) -> list[dict[str, Any]]:
    """Every (bid, criterion) whose scores diverge, sorted by bid_id then criterion_key."""
    found = []
    for bid_id in sorted(panel_scores):
        for key in sorted(panel_scores[bid_id] or {}):
            scores = score_values(panel_scores[bid_id][key])
            if needs_moderation(scores):
                found.append({"bid_id": bid_id, "criterion_key": key, "scores": scores})
    return found
