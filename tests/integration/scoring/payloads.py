"""Realistic queue payloads for the scoring service: a published tender and its closing."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from services.scoring.domain import canonical_sha256

KEYS = ("Q1", "Q2", "Q3", "Q4", "Q5", "SV")

CRITERIA = [
    {"key": "Q1", "title": "Outcomes framework", "category": "outcomes", "weight": 20,
     "minimum_score": 3, "outcomes_sought": ["Reduced loneliness among isolated older people"],
     "descriptors": {"0": "No outcomes", "1": "Outputs only", "3": "Outcomes with indicators",
                     "5": "Verifiable outcomes co-defined with users"}},
    {"key": "Q2", "title": "Depth of co-production", "category": "coproduction_depth",
     "weight": 15},
    {"key": "Q3", "title": "Co-production principles in practice",
     "category": "coproduction_principles", "weight": 10},
    {"key": "Q4", "title": "Delivery, capacity and risk", "category": "delivery", "weight": 10},
    {"key": "Q5", "title": "Co-assessment and learning", "category": "co_assessment", "weight": 5},
    {"key": "SV", "title": "Social value", "category": "social_value", "weight": 10},
]


def tender(organisation_id: str, owner_user_id: str, *, mode: str = "panel",
           tender_id: str | None = None, **evaluation: Any) -> dict[str, Any]:
    """The public tender document commissioning sends with ``TenderPublished``."""
    return {
        "id": tender_id or f"tnd_{uuid.uuid4().hex[:12]}",
        "status": "published", "version": 1,
        "organisation_id": organisation_id, "owner_user_id": owner_user_id,
        "title": "Community wellbeing and loneliness service",
        "description": "Reduce loneliness among isolated older people in the borough.",
        "service_area": "adult_social_care",
        "estimated_value": {"amount": "450000.00", "currency": "GBP"},
        "clarification_deadline": "2027-01-10T12:00:00Z",
        "submission_deadline": "2027-01-20T12:00:00Z",
        "evaluation": {"mode": mode, "min_evaluators": 3, "require_lived_experience": True,
                       "min_quality_share": 0.6, "standstill_working_days": 8, **evaluation},
        "price": {"weight": 30, "formula": "absolute_benchmark",
                  "ceiling": {"amount": "450000.00", "currency": "GBP"},
                  "floor": {"amount": "250000.00", "currency": "GBP"}},
        "criteria": copy.deepcopy(CRITERIA),
    }


UCLA = {
    "statement": "Isolated older people feel less lonely",
    "declared_level": "outcome",
    "indicator": {"name": "UCLA 3-item loneliness score", "unit": "scale",
                  "instrument": "UCLA-3"},
    "baseline": {"value": 7.1, "date": "2026-09-01", "source": "intake survey"},
    "target": {"value": 5.5, "by": "2028-03-31"},
    "sustainment_period_months": 9,
    "validation_method": "pre_post",
    "assessed_by": ["people_using_service", "independent"],
    "co_defined_with_users": True,
    "reporting_frequency": "quarterly",
}

TENANCY = {
    "statement": "People we support keep their tenancy for 12 months",
    "declared_level": "outcome",
    "indicator": {"name": "tenancy sustained 12 months", "unit": "percent",
                  "instrument": "housing records"},
    "baseline": {"value": 62, "date": "2026-06-30", "source": "council housing data"},
    "target": {"value": 80, "by": "2028-06-30"},
    "sustainment_period_months": 12,
    "validation_method": "historical_comparison",
    "assessed_by": ["people_using_service", "commissioner"],
    "co_defined_with_users": True,
    "reporting_frequency": "quarterly",
}

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

DEEP_COPRODUCTION = {
    "stages": {"commissioning": "co-design", "design": "co-production",
               "delivery": "co-production", "assessment": "engagement"},
    "power_sharing": ["governance_seats", "paid_lived_experience_roles"],
    "principles": ["assets", "capabilities", "reciprocity", "peer_support", "blurring_roles",
                   "facilitating"],
    "reciprocity_offers": ["training", "expenses", "first_refusal_on_jobs"],
}

SHALLOW_COPRODUCTION = {
    "stages": {"design": "consultation", "delivery": "informing"},
    "power_sharing": [],
    "principles": [],
    "reciprocity_offers": [],
}


def bid_content(price: str, commitments: list[dict[str, Any]],
                coproduction: dict[str, Any]) -> dict[str, Any]:
    """A bid body as the bidder submitted it: a narrative for every criterion."""
    responses = [{"criterion_key": key, "narrative": f"Our approach to {key}: {text}"}
                 for key, text in (("Q1", "we measure change in people's lives."),
                                   ("Q2", "people who use the service share power."),
                                   ("Q3", "we build on people's strengths."),
                                   ("Q4", "an experienced team and a risk register."),
                                   ("Q5", "people assess outcomes with us."),
                                   ("SV", "local jobs for people with lived experience."))]
    responses[0]["outcome_commitments"] = copy.deepcopy(commitments)
    return {"price": {"amount": price, "currency": "GBP"}, "responses": responses,
            "coproduction": copy.deepcopy(coproduction)}


def strong_bid() -> dict[str, Any]:
    """Outcomes with baselines, deep co-production, a sensible price."""
    return bid_content("398000.00", [UCLA, TENANCY], DEEP_COPRODUCTION)


def outputs_bid() -> dict[str, Any]:
    """Outputs and engagement only, shallow co-production."""
    return bid_content("350000.00", [SESSIONS, ENGAGED], SHALLOW_COPRODUCTION)


def low_price_bid() -> dict[str, Any]:
    """Reasonable content at an abnormally low price."""
    return bid_content("150000.00", [UCLA], DEEP_COPRODUCTION)


def published(doc: dict[str, Any], event_type: str = "TenderPublished") -> dict[str, Any]:
    """A ``TenderPublished`` payload."""
    return {"schema_version": 1, "event_id": f"evt-{uuid.uuid4().hex}", "event_type": event_type,
            "tender_id": doc["id"], "tender": doc}


def opened(bid_id: str, organisation_id: str, name: str, content: dict[str, Any]
           ) -> dict[str, Any]:
    """One opened bid inside ``TenderClosed``."""
    return {"bid_id": bid_id, "organisation_id": organisation_id, "organisation_name": name,
            "version": 1, "tender_version": 1, "submitted_at": "2027-01-19T09:30:00.000001Z",
            "content_sha256": canonical_sha256(content), "content": content}


def closed(doc: dict[str, Any], bids: list[dict[str, Any]]) -> dict[str, Any]:
    """A ``TenderClosed`` payload with its snapshot hash."""
    snapshot = {**doc, "status": "closed"}
    return {"schema_version": 1, "event_id": f"evt-{uuid.uuid4().hex}",
            "event_type": "TenderClosed", "tender_id": doc["id"],
            "closed_at": "2027-01-20T12:00:00Z", "opened_at": "2027-01-20T12:00:01Z",
            "snapshot_sha256": canonical_sha256({"tender": snapshot, "bids": bids}),
            "tender": snapshot, "bids": bids}
