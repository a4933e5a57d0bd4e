"""The worked example of docs/scoring.md: three bids end to end (run as a script to print it)."""

from __future__ import annotations

import json
from typing import Any

from services.scoring.domain import assess_bids, compute_scoring_run
from tests.support.builders import (
    bid_body,
    criteria,
    gbp,
    outcome_commitment,
    price_rules,
    tender_document,
)

TENANCY = {
    "statement": "Tenancy sustained 12 months",
    "declared_level": "outcome",
    "indicator": {"name": "tenancies sustained at 12 months", "unit": "percent"},
    "baseline": {"value": 55, "date": "2026-04-01", "source": "council housing records"},
    "target": {"value": 75, "by": "2028-03-31"},
    "sustainment_period_months": 12,
    "validation_method": "historical_comparison",
    "assessed_by": ["provider", "commissioner"],
    "co_defined_with_users": False,
}
WEMWBS = {
    "statement": "Improved mental wellbeing",
    "declared_level": "outcome",
    "indicator": {"name": "SWEMWBS score", "unit": "scale", "instrument": "SWEMWBS"},
    "baseline": {"value": 19.2, "date": "2026-04-01", "source": "intake"},
    "target": {"value": 21.5, "by": "2028-03-31"},
    "validation_method": "pre_post",
    "assessed_by": ["provider"],
    "co_defined_with_users": True,
}
SESSIONS = {
    "statement": "40 peer-support sessions delivered",
    "declared_level": "outcome",
    "indicator": {"name": "sessions delivered", "unit": "count"},
    "target": {"value": 40, "by": "2027-12-31"},
    "validation_method": "none",
}
ENGAGED = {"statement": "120 people engaged", "declared_level": "outcome"}


def example_bids() -> dict[str, dict[str, Any]]:
    """bid-a: the docs/api.md example; bid-b: outputs only; bid-c: hard outcomes, assessed by
    the provider."""
    b = bid_body(
        price=gbp("320000.00"),
        commitments=[SESSIONS, ENGAGED],
        coproduction={
            "stages": {"design": "co-design", "delivery": "co-production"},
            "power_sharing": [],
            "principles": ["peer_support"],
        },
    )
    c = bid_body(
        price=gbp("360000.00"),
        commitments=[TENANCY, WEMWBS],
        coproduction={
            "stages": {"design": "co-design", "delivery": "engagement", "assessment": "informing"},
            "power_sharing": ["budget_rights"],
            "principles": ["assets", "capabilities", "accessibility"],
            "reciprocity_offers": ["expenses"],
        },
    )
    return {
        "bid-a": bid_body(price=gbp("398000.00"), commitments=[outcome_commitment()]),
        "bid-b": b,
        "bid-c": c,
    }


PANEL = {
    "bid-a": {
        "Q1": [4, 4, 5],
        "Q2": [5, 4, 4],
        "Q3": [4, 4, 4],
        "Q4": [4, 4, 2],
        "Q5": [4, 5],
        "SV": [3, 3, 3],
    },
    "bid-b": {
        "Q1": [3, 3, 2],
        "Q2": [4, 4, 3],
        "Q3": [3, 3, 3],
        "Q4": [4, 4, 4],
        "Q5": [3, 3, 3],
        "SV": [3, 3, 4],
    },
    "bid-c": {
        "Q1": [4, 4, 4],
        "Q2": [3, 3, 4],
        "Q3": [3, 4, 4],
        "Q4": [4, 5, 5],
        "Q5": [4, 4, 4],
        "SV": [3, 4, 4],
    },
}
MODERATION = {"bid-a": {"Q4": {"score": 3, "rationale": "risk plan thin on staffing"}}}


def example_inputs(formula: str = "absolute_benchmark") -> dict[str, Any]:
    """Scoring-run inputs for the worked example under a given price formula."""
    # docs/scoring.md §14: the default criteria with Q1's minimum score 3.
    t = tender_document(criteria=criteria(Q1={"minimum_score": 3}),
                        price=price_rules(formula=formula))
    bids = example_bids()
    assessments = {k: v.to_dict() for k, v in assess_bids(bids, t).items()}
    return {
        "tender": t,
        "bids": [{"bid_id": k, "price": v["price"]} for k, v in bids.items()],
        "assessments": assessments,
        "panel_scores": PANEL,
        "moderation": MODERATION,
    }


if __name__ == "__main__":
    inputs = example_inputs()
    for bid_id, a in inputs["assessments"].items():
        print(
            bid_id,
            json.dumps(
                {k: a[k] for k in ("commitments", "caps", "flags", "indicative_scores")}, indent=1
            ),
        )
    for formula in ("absolute_benchmark", "relative_to_lowest", "linear_deduction"):
        print(formula, json.dumps(compute_scoring_run(example_inputs(formula)), indent=1))
