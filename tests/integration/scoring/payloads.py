"""Queue payloads for the scoring service: the example tender published and closed with three
bids of different quality. Built on tests/support/builders.py (the one set of builders); the
scoring and audit tests import these names."""

from __future__ import annotations

from typing import Any

from tests.support import builders
from tests.support.builders import KEYS, opened_bid, tender_closed, tender_published

__all__ = ["KEYS", "closed", "low_price_bid", "opened", "outputs_bid", "published",
           "strong_bid", "tender"]

published = tender_published
opened = opened_bid
closed = tender_closed

# What the scoring tests rely on: Q1 has a minimum score of 3 and names the outcome sought.
Q1 = {"minimum_score": 3, "outcomes_sought": ["Reduced loneliness among isolated older people"]}


def tender(organisation_id: str, owner_user_id: str, *, mode: str = "panel",
           tender_id: str | None = None, **evaluation: Any) -> dict[str, Any]:
    """The published tender document commissioning sends with ``TenderPublished``."""
    doc = builders.tender_document(organisation_id=organisation_id, owner_user_id=owner_user_id,
                                   evaluation=builders.evaluation(mode=mode, **evaluation),
                                   criteria=builders.criteria(Q1=Q1))
    if tender_id:
        doc["id"] = tender_id
    return doc


TENANCY = builders.outcome_commitment(
    statement="People we support keep their tenancy for 12 months",
    indicator={"name": "tenancy sustained 12 months", "unit": "percent",
               "instrument": "housing records"},
    baseline={"value": 62, "date": "2026-06-30", "source": "council housing data"},
    target={"value": 80, "by": "2028-06-30"}, sustainment_period_months=12,
    validation_method="historical_comparison", assessed_by=["people_using_service", "commissioner"])

SESSIONS = {
    "statement": "40 peer-support sessions delivered",
    "declared_level": "outcome",  # claimed, but the evidence says output
    "indicator": {"name": "sessions delivered", "unit": "count", "instrument": "attendance log"},
    "baseline": {"value": 0, "date": "2026-09-01", "source": "new service"},
    "target": {"value": 40, "by": "2027-12-31"},
    "validation_method": "none",
    "assessed_by": ["provider"],
    "co_defined_with_users": False,
    "reporting_frequency": "monthly",
}

ENGAGED = {
    "statement": "120 people engaged",
    "declared_level": "intermediate",
    "indicator": {"name": "people engaged", "unit": "count", "instrument": "register"},
    "target": {"value": 120, "by": "2027-12-31"},
    "validation_method": "none",
    "assessed_by": ["provider"],
    "co_defined_with_users": False,
    "reporting_frequency": "monthly",
}

SHALLOW_COPRODUCTION = {
    "stages": {"design": "consultation", "delivery": "informing"},
    "power_sharing": [],
    "principles": [],
    "reciprocity_offers": [],
}


def strong_bid() -> dict[str, Any]:
    """The example bid with a second verifiable outcome (tenancies sustained)."""
    return builders.bid_body(commitments=[builders.outcome_commitment(), TENANCY])


def outputs_bid() -> dict[str, Any]:
    """Outputs and engagement only, shallow co-production."""
    return builders.bid_body(price=builders.gbp("350000.00"), commitments=[SESSIONS, ENGAGED],
                             coproduction=SHALLOW_COPRODUCTION)


def low_price_bid() -> dict[str, Any]:
    """The example bid at an abnormally low price."""
    return builders.bid_body(price=builders.gbp("150000.00"))
