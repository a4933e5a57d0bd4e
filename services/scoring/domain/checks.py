"""Gates, caps and flags of the automated structural assessment (docs/scoring.md)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from services.scoring.domain.classifier import (
    OUTCOME,
    OUTCOME_LABELS,
    UNVERIFIABLE,
    Classification,
    as_mapping,
    number,
    text,
)
from services.scoring.domain.coproduction import CoproductionSummary
from services.scoring.domain.criteria import (
    CO_ASSESSMENT,
    COPRODUCTION_DEPTH,
    OUTCOMES,
    SOCIAL_VALUE,
    Criterion,
)
from services.scoring.domain.price import currency_of, parse_amount

# Published thresholds for the flags (docs/scoring.md, "Flags").
LOW_VS_FLOOR = Decimal("0.8")
LOW_VS_MEDIAN = Fraction(7, 10)
SCALE_MAX_RELATIVE_CHANGE = Decimal("0.5")
USERS = "people_using_service"


@dataclass(frozen=True)
class AssessedCommitment:
    """One commitment with where it was made and how it was classified."""

    index: int
    criterion_key: str
    category: str | None
    data: Mapping[str, Any]
    classification: Classification

    @property
    def is_outcome(self) -> bool:
        return self.classification.label in OUTCOME_LABELS

    def assessed_by(self) -> set[str]:
        value = self.data.get("assessed_by")
        return {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()


@dataclass(frozen=True)
class BidFacts:
    """Everything the checks need, extracted once from the bid and the tender."""

    criteria: tuple[Criterion, ...]
    narratives: Mapping[str, str]
    commitments: tuple[AssessedCommitment, ...]
    coproduction: CoproductionSummary
    price: Decimal | None
    currency: str | None


def gates(facts: BidFacts, tender: Mapping[str, Any]) -> list[dict[str, Any]]:
    """mandatory_responses_present and price_within_ceiling, in that order."""
    missing = [c.key for c in facts.criteria if not facts.narratives.get(c.key)]
    responses = {
        "name": "mandatory_responses_present",
        "passed": not missing,
        "detail": (
            "a response for every quality criterion"
            if not missing
            else "no response narrative for " + ", ".join(missing)
        ),
    }
    return [responses, price_gate(facts.price, facts.currency, tender)]


def price_gate(
    price: Decimal | None, currency: str | None, tender: Mapping[str, Any]
) -> dict[str, Any]:
    """0 < price ≤ ceiling (just > 0 without a ceiling); currency must match the ceiling's."""
    ceiling_money = as_mapping(tender.get("price")).get("ceiling")
    ceiling = parse_amount(ceiling_money)
    gate = {"name": "price_within_ceiling", "passed": False}
    if price is None:
        return gate | {"detail": "price missing or not a decimal amount"}
    if price <= 0:
        return gate | {"detail": f"price {price} is not greater than 0"}
    if ceiling is None:
        return gate | {"passed": True, "detail": f"price {price} > 0 (no ceiling published)"}
    wanted = currency_of(ceiling_money)
    if wanted and currency and currency != wanted:
        return gate | {"detail": f"price currency {currency} differs from ceiling's {wanted}"}
    if price > ceiling:
        return gate | {"detail": f"price {price} exceeds the ceiling {ceiling}"}
    return gate | {"passed": True, "detail": f"0 < price {price} <= ceiling {ceiling}"}


def caps(facts: BidFacts) -> list[dict[str, Any]]:
    """Score caps, applied by criterion category so custom keys work too."""
    outcomes = [c for c in facts.commitments if c.is_outcome]
    unverifiable = [c for c in outcomes if c.classification.label == UNVERIFIABLE]
    found: list[dict[str, Any]] = []
    for criterion in facts.criteria:
        cap = None
        if criterion.category == OUTCOMES:
            if not outcomes:
                cap = (1, "no commitment is an outcome")
            elif unverifiable:
                which = ", ".join(f"#{c.index}" for c in unverifiable)
                cap = (2, f"an outcome is unverifiable (commitment {which})")
        elif criterion.category == COPRODUCTION_DEPTH:
            summary = facts.coproduction
            if summary.stages_at_codesign_or_above and not summary.power_sharing:
                cap = (2, "co-design or above claimed with no power-sharing mechanism")
        elif criterion.category == CO_ASSESSMENT and not any(
            USERS in c.assessed_by() for c in outcomes
        ):
            cap = (2, "no outcome is assessed by people using the service")
        if cap:
            found.append({"criterion_key": criterion.key, "max_score": cap[0], "reason": cap[1]})
    return found


def flags(
    facts: BidFacts, tender: Mapping[str, Any], other_prices: Sequence[Any] | None = None,
    others_median: Fraction | None = None,
) -> list[dict[str, Any]]:
    """Flags for the panel's attention; they never change points.

    ``others_median`` (the median of the other bids' valid prices) may be precomputed by a
    caller assessing many bids; otherwise it is taken from ``other_prices``.
    """
    found = []
    if others_median is None:
        others_median = median_of_others(valid_prices(other_prices or ()), None)
    low = _low_price_reasons(facts.price, tender, others_median)
    if low:
        found.append({"name": "abnormally_low_price", "detail": "; ".join(low)})
    implausible = [r for c in facts.commitments for r in _implausible(c)]
    if implausible:
        found.append({"name": "implausible_target", "detail": "; ".join(implausible)})
    doubled = _double_counted(facts.commitments)
    if doubled:
        found.append({"name": "double_counted_measure", "detail": "; ".join(doubled)})
    return found


def valid_prices(prices: Sequence[Any]) -> list[Fraction]:
    """The positive, parseable prices, sorted."""
    return sorted(Fraction(p) for p in (parse_amount(o) for o in prices)
                  if p is not None and p > 0)


def median_of_others(ordered: list[Fraction], own: Decimal | None) -> Fraction | None:
    """Median of the sorted prices with one copy of ``own`` left out (None: keep all)."""
    drop = None
    if own is not None and own > 0:
        drop = bisect_left(ordered, Fraction(own))
        if drop >= len(ordered) or ordered[drop] != Fraction(own):
            drop = None
    n = len(ordered) - (drop is not None)
    if n <= 0:
        return None

    def at(i: int) -> Fraction:
        return ordered[i + 1 if drop is not None and i >= drop else i]

    mid = n // 2
    return at(mid) if n % 2 else (at(mid - 1) + at(mid)) / 2


def _low_price_reasons(
    price: Decimal | None, tender: Mapping[str, Any], others_median: Fraction | None
) -> list[str]:
    if price is None or price <= 0:
        return []
    reasons = []
    floor = parse_amount(as_mapping(tender.get("price")).get("floor"))
    if floor is not None and floor > 0 and price < LOW_VS_FLOOR * floor:
        reasons.append(f"price {price} is below 80% of the floor {floor}")
    if others_median is not None and Fraction(price) < LOW_VS_MEDIAN * others_median:
        shown = Decimal(others_median.numerator) / Decimal(others_median.denominator)
        reasons.append(f"price {price} is below 70% of the median of the other bids ({shown})")
    return reasons


def _implausible(c: AssessedCommitment) -> list[str]:
    """Percent targets outside 0..100; scale targets moving more than 50% from baseline."""
    indicator = as_mapping(c.data.get("indicator"))
    unit = text(indicator.get("unit")).lower()
    target = number(as_mapping(c.data.get("target")).get("value"))
    baseline = number(as_mapping(c.data.get("baseline")).get("value"))
    where = f"commitment #{c.index} ({c.criterion_key})"
    if target is None:
        return []
    if unit == "percent" and not Decimal(0) <= target <= Decimal(100):
        return [f"{where}: percent target {target} outside 0-100"]
    if unit == "scale" and baseline is not None and baseline != 0:
        change = abs(target - baseline) / abs(baseline)
        if change > SCALE_MAX_RELATIVE_CHANGE:
            return [
                f"{where}: target {target} moves {change:.0%} from baseline {baseline} (over 50%)"
            ]
    return []


def _norm(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", value.lower()).strip()


def _double_counted(commitments: Sequence[AssessedCommitment]) -> list[str]:
    """A measure (indicator name or statement) under both a social-value and outcomes criterion."""

    def measures(c: AssessedCommitment) -> set[str]:
        names = {
            _norm(text(as_mapping(c.data.get("indicator")).get("name"))),
            _norm(text(c.data.get("statement"))),
        }
        return names - {""}

    sv = [c for c in commitments if c.category == SOCIAL_VALUE]
    q1 = [c for c in commitments if c.category == OUTCOMES]
    found = []
    for a in sv:
        for b in q1:
            shared = sorted(measures(a) & measures(b))
            if shared:
                found.append(
                    f"'{shared[0]}' counted under {a.criterion_key} (#{a.index}) "
                    f"and {b.criterion_key} (#{b.index})"
                )
    return found


def verifiable_outcomes(facts: BidFacts) -> list[AssessedCommitment]:
    """Commitments labelled outcome (verifiable)."""
    return [c for c in facts.commitments if c.classification.label == OUTCOME]
