"""Test data builders: the API.md example tender and bid, and small variations."""

from __future__ import annotations

import copy
from typing import Any

UCLA = {
    "statement": "Isolated older people feel less lonely",
    "declared_level": "outcome",
    "indicator": {"name": "UCLA 3-item loneliness score", "unit": "scale", "instrument": "UCLA-3"},
    "baseline": {"value": 7.1, "date": "2026-09-01", "source": "intake survey"},
    "target": {"value": 5.5, "by": "2028-03-31"},
    "sustainment_period_months": 9,
    "validation_method": "pre_post",
    "assessed_by": ["people_using_service", "independent"],
    "co_defined_with_users": True,
    "reporting_frequency": "quarterly",
}

COPRODUCTION = {
    "stages": {
        "commissioning": "co-design",
        "design": "co-production",
        "delivery": "co-production",
        "assessment": "engagement",
    },
    "power_sharing": ["governance_seats", "paid_lived_experience_roles"],
    "principles": [
        "assets",
        "capabilities",
        "reciprocity",
        "peer_support",
        "blurring_roles",
        "facilitating",
    ],
    "reciprocity_offers": ["training", "expenses", "first_refusal_on_jobs"],
}

KEYS = ("Q1", "Q2", "Q3", "Q4", "Q5", "SV")


def tender(**overrides: Any) -> dict[str, Any]:
    """The API.md example tender with the default criteria set (Q1 minimum 3)."""
    base = {
        "title": "Community wellbeing and loneliness service",
        "evaluation": {"mode": "panel", "min_evaluators": 3, "min_quality_share": 0.6},
        "price": {
            "weight": 30,
            "formula": "absolute_benchmark",
            "ceiling": {"amount": "450000.00", "currency": "GBP"},
            "floor": {"amount": "250000.00", "currency": "GBP"},
        },
        "criteria": [
            {
                "key": "Q1",
                "title": "Outcomes framework",
                "category": "outcomes",
                "weight": 20,
                "minimum_score": 3,
            },
            {
                "key": "Q2",
                "title": "Depth of co-production",
                "category": "coproduction_depth",
                "weight": 15,
            },
            {
                "key": "Q3",
                "title": "Co-production principles",
                "category": "coproduction_principles",
                "weight": 10,
            },
            {
                "key": "Q4",
                "title": "Delivery, capacity and risk",
                "category": "delivery",
                "weight": 10,
            },
            {
                "key": "Q5",
                "title": "Co-assessment and learning",
                "category": "co_assessment",
                "weight": 5,
            },
            {"key": "SV", "title": "Social value", "category": "social_value", "weight": 10},
        ],
    }
    base.update(overrides)
    return base


def bid(
    price: str = "398000.00",
    commitments: list[dict[str, Any]] | None = None,
    coproduction: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A complete bid: a narrative for every default criterion, one UCLA outcome under Q1."""
    responses = [{"criterion_key": k, "narrative": f"Our approach to {k}."} for k in KEYS]
    responses[0]["outcome_commitments"] = copy.deepcopy(
        [UCLA] if commitments is None else commitments
    )
    body = {
        "price": {"amount": price, "currency": "GBP"},
        "responses": responses,
        "coproduction": copy.deepcopy(COPRODUCTION if coproduction is None else coproduction),
    }
    body.update(extra)
    return body


def run_inputs(
    bids: dict[str, dict[str, Any]],
    panel: dict[str, dict[str, list[int]]],
    moderation: dict[str, dict[str, int]] | None = None,
    tender_: dict[str, Any] | None = None,
    assessments: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Scoring-run inputs; assessments default to an empty (no caps, gates passed) record."""
    empty = {
        "model_version": "test",
        "commitments": [],
        "coproduction": {},
        "gates": [{"name": "mandatory_responses_present", "passed": True}],
        "caps": [],
        "flags": [],
        "indicative_scores": {},
    }
    return {
        "tender": tender_ or tender(),
        "bids": [
            {"bid_id": b, "price": {"amount": p["price"], "currency": "GBP"}}
            for b, p in bids.items()
        ],
        "assessments": {b: (assessments or {}).get(b, empty) for b in bids},
        "panel_scores": panel,
        "moderation": moderation or {},
    }


def panel_all(score: int, keys: tuple[str, ...] = KEYS) -> dict[str, list[int]]:
    """Three evaluators giving the same score on every criterion."""
    return {k: [score, score, score] for k in keys}
