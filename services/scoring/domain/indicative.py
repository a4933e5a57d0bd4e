"""Indicative 0-5 scores derived from the bid's structure (published rules, caps applied)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from services.scoring.domain.checks import USERS, AssessedCommitment, BidFacts, verifiable_outcomes
from services.scoring.domain.classifier import as_mapping, text
from services.scoring.domain.coproduction import CODESIGN_RANK
from services.scoring.domain.criteria import (
    CO_ASSESSMENT,
    COPRODUCTION_DEPTH,
    COPRODUCTION_PRINCIPLES,
    OUTCOMES,
    SOCIAL_VALUE,
    Criterion,
)

Scored = tuple[int, list[str]]


def _co_defined(c: AssessedCommitment) -> bool:
    return c.data.get("co_defined_with_users") is True


def _outcomes(facts: BidFacts, criterion: Criterion) -> Scored:
    if not facts.commitments:
        return (
            (1, ["narrative but no outcome commitments"])
            if facts.narratives.get(criterion.key)
            else (0, ["no response and no outcome commitments"])
        )
    outcomes = [c for c in facts.commitments if c.is_outcome]
    verifiable = verifiable_outcomes(facts)
    if not outcomes:
        return 1, ["no commitment is an outcome"]
    if not verifiable:
        return 2, ["outcomes claimed but none verifiable"]
    score, why = 3, [f"{len(verifiable)} verifiable outcome(s)"]
    if len(verifiable) >= 2:
        score, why = score + 1, [*why, "+1 two or more verifiable outcomes"]
    if any(_co_defined(c) for c in verifiable):
        score, why = score + 1, [*why, "+1 an outcome co-defined with people using the service"]
    return min(score, 5), why


def _depth(facts: BidFacts, criterion: Criterion) -> Scored:
    summary = facts.coproduction
    if not summary.stages_covered:
        return (
            (1, ["narrative but no ladder levels"])
            if facts.narratives.get(criterion.key)
            else (0, ["no co-production stages described"])
        )
    n = summary.stages_at_codesign_or_above
    score, why = 1 + n, [f"1 + {n} stage(s) at co-design or above"]
    if len(summary.power_sharing) >= 2:
        score, why = score + 1, [*why, "+1 two or more power-sharing mechanisms"]
    return min(score, 5), why


def _principles(facts: BidFacts, criterion: Criterion) -> Scored:
    found = facts.coproduction.principles
    if not found and not facts.narratives.get(criterion.key):
        return 0, ["no response and no principles evidenced"]
    k = len(found)
    score = 1 if k == 0 else 2 if k <= 2 else 3 if k <= 4 else 4
    why = [f"{k} principle(s) evidenced"]
    if facts.coproduction.reciprocity_offered and k >= 3:
        score, why = score + 1, [*why, "+1 concrete reciprocity offered"]
    return min(score, 5), why


def _co_assessment(facts: BidFacts, criterion: Criterion) -> Scored:
    if not facts.commitments and not facts.narratives.get(criterion.key):
        return 0, ["no response and no outcome commitments"]
    by_users = [c for c in facts.commitments if c.is_outcome and USERS in c.assessed_by()]
    if not by_users:
        return 1, ["no outcome assessed by people using the service"]
    score, why = 3, [f"{len(by_users)} outcome(s) assessed by people using the service"]
    if any(_co_defined(c) for c in by_users):
        score, why = score + 1, [*why, "+1 co-defined with people using the service"]
    stage = facts.coproduction.stages.get("assessment", {}).get("rank")
    if any("independent" in c.assessed_by() for c in by_users) or (
        stage is not None and stage >= CODESIGN_RANK
    ):
        score, why = score + 1, [*why, "+1 independent assessment or co-designed assessment"]
    return min(score, 5), why


def _timed_metric(c: AssessedCommitment) -> bool:
    target = as_mapping(c.data.get("target"))
    return (
        bool(text(as_mapping(c.data.get("indicator")).get("name")))
        and target.get("value") is not None
        and bool(text(target.get("by")))
    )


def _social_value(facts: BidFacts, criterion: Criterion) -> Scored:
    mine = [c for c in facts.commitments if c.criterion_key == criterion.key]
    if not mine:
        return (
            (1, ["narrative but no social-value commitments"])
            if facts.narratives.get(criterion.key)
            else (0, ["no social-value response"])
        )
    timed = [c for c in mine if _timed_metric(c)]
    if not timed:
        return 2, ["commitments without a metric and timed target"]
    score, why = 3, [f"{len(timed)} commitment(s) with metric and timed target"]
    if len(timed) >= 2:
        score, why = score + 1, [*why, "+1 two or more timed commitments"]
    if any(as_mapping(c.data.get("baseline")).get("value") is not None for c in timed):
        score, why = score + 1, [*why, "+1 a baseline given"]
    return min(score, 5), why


def _narrative_only(facts: BidFacts, criterion: Criterion) -> Scored:
    # Structure cannot judge delivery capacity: a response earns the "acceptable" midpoint.
    if facts.narratives.get(criterion.key):
        return 3, ["response present; structure cannot judge this criterion (midpoint)"]
    return 0, ["no response"]


RULES: Mapping[str, Callable[[BidFacts, Criterion], Scored]] = {
    OUTCOMES: _outcomes,
    COPRODUCTION_DEPTH: _depth,
    COPRODUCTION_PRINCIPLES: _principles,
    CO_ASSESSMENT: _co_assessment,
    SOCIAL_VALUE: _social_value,
}


def indicative_scores(
    facts: BidFacts, caps: list[dict[str, Any]]
) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Score every quality criterion from structure, then apply the caps."""
    max_by_key: dict[str, int] = {}
    for cap in caps:
        key = cap["criterion_key"]
        max_by_key[key] = min(cap["max_score"], max_by_key.get(key, 5))
    scores: dict[str, int] = {}
    reasons: dict[str, list[str]] = {}
    for criterion in facts.criteria:
        score, why = RULES.get(criterion.category, _narrative_only)(facts, criterion)
        if criterion.key in max_by_key and score > max_by_key[criterion.key]:
            why = [*why, f"capped at {max_by_key[criterion.key]}"]
            score = max_by_key[criterion.key]
        scores[criterion.key] = score
        reasons[criterion.key] = why
    return scores, reasons
