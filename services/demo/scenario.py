"""The example: a council's community wellbeing and loneliness service, three distinct bids."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.methodology import DEFAULT_EVALUATION, DEFAULT_PRICE
from shared.time import rfc3339

COUNCIL = {"name": "Riverside Borough Council", "kind": "commissioning_body"}
PASSWORD = "demo-" + secrets.token_urlsafe(12)  # fresh per run; printed by the demo


def example_tender(clarification_deadline: str, submission_deadline: str) -> dict[str, Any]:
    """The example tender of docs/api.md as a commissioner sends it, the one definition the demo
    and the tests' builders (tests/support/builders.py) share: the published evaluation and price
    settings (shared.methodology) with a price benchmark, and no criteria (the API supplies the
    default set)."""
    return {
        "title": "Community wellbeing and loneliness service",
        "description": ("A three-year service reducing loneliness among isolated older people, "
                        "co-designed and co-assessed with the people who use it."),
        "service_area": "adult_social_care",
        "estimated_value": {"amount": "450000.00", "currency": "GBP"},
        "clarification_deadline": clarification_deadline,
        "submission_deadline": submission_deadline,
        "evaluation": dict(DEFAULT_EVALUATION),
        "price": {**DEFAULT_PRICE, "ceiling": {"amount": "450000.00", "currency": "GBP"},
                  "floor": {"amount": "250000.00", "currency": "GBP"}},
    }


def example_rate_card() -> dict[str, Any]:
    """The example tender's rate card (docs/scoring.md §18, worked example), the one definition
    the demo and the tests' builders share: the strong bid's three commitments priced
    (loneliness and wellbeing under Q1, peer roles under Q5), 10% of the value at risk, only an
    independent validator's validation counts, a cap per person and one outcome cap."""
    def gbp(amount: str) -> dict[str, str]:
        return {"amount": amount, "currency": "GBP"}

    return {
        "currency": "GBP", "value_at_risk_percent": "10.00", "validation": "independent",
        "cap_per_person": gbp("1500.00"),
        "outcomes": [
            {"key": "lonely", "criterion_key": "Q1", "indicator": "UCLA 3-item loneliness score",
             "price": gbp("400.00"), "planned_outcomes": 120},
            {"key": "wellbeing", "criterion_key": "Q1", "indicator": "SWEMWBS score",
             "price": gbp("300.00"), "planned_outcomes": 100},
            {"key": "peer_roles", "criterion_key": "Q5",
             "indicator": "Peer roles sustained 12 months", "price": gbp("2500.00"),
             "cap": gbp("7500.00"), "planned_outcomes": 12},
        ],
    }


def tender_body(clarification_in: float, submission_in: float) -> dict[str, Any]:
    """The demo's tender: the example, deadlines relative to now, and no standstill period (the
    demo runs from publication to contract in minutes)."""
    now = datetime.now(UTC)
    body = example_tender(rfc3339(now + timedelta(seconds=clarification_in)),
                          rfc3339(now + timedelta(seconds=submission_in)))
    body["evaluation"]["standstill_working_days"] = 0
    return body


def _commitment(statement: str, level: str, indicator: dict, *, baseline: dict | None,
                target: dict | None, months: int | None, method: str,
                assessed_by: list[str], co_defined: bool) -> dict[str, Any]:
    body = {"statement": statement, "declared_level": level, "indicator": indicator,
            "validation_method": method, "assessed_by": assessed_by,
            "co_defined_with_users": co_defined, "reporting_frequency": "quarterly"}
    if baseline is not None:
        body["baseline"] = baseline
    if target is not None:
        body["target"] = target
    if months is not None:
        body["sustainment_period_months"] = months
    return body


def _responses(narratives: dict[str, str], q1: list[dict], q5: list[dict] | None = None,
               sv: list[dict] | None = None) -> list[dict[str, Any]]:
    out = []
    for key, text in narratives.items():
        item: dict[str, Any] = {"criterion_key": key, "narrative": text}
        if key == "Q1":
            item["outcome_commitments"] = q1
        elif key == "Q5" and q5:
            item["outcome_commitments"] = q5
        elif key == "SV" and sv:
            item["outcome_commitments"] = sv
        out.append(item)
    return out


def strong_outcomes_bid() -> dict[str, Any]:
    """Brightside Connect CIC: verifiable outcomes, deep co-production, mid price."""
    loneliness = _commitment(
        "UCLA loneliness score down at least 1 point at 9 months vs intake",
        "outcome", {"name": "UCLA 3-item loneliness score", "unit": "scale",
                    "instrument": "UCLA-3"},
        baseline={"value": 7.1, "date": "2026-09-01", "source": "intake survey"},
        target={"value": 5.5, "by": "2028-03-31"}, months=9, method="pre_post",
        assessed_by=["people_using_service", "independent"], co_defined=True)
    wellbeing = _commitment(
        "Participants' mental wellbeing improves on SWEMWBS, sustained for 6 months",
        "outcome", {"name": "SWEMWBS score", "unit": "scale", "instrument": "SWEMWBS"},
        baseline={"value": 19.8, "date": "2026-09-01", "source": "intake survey"},
        target={"value": 22.5, "by": "2028-03-31"}, months=6, method="pre_post",
        assessed_by=["people_using_service"], co_defined=True)
    volunteering = _commitment(
        "Peer volunteers sustained in paid lived-experience roles for 12 months",
        "outcome", {"name": "Peer roles sustained 12 months", "unit": "count",
                    "instrument": "HR records"},
        baseline={"value": 0, "date": "2026-09-01", "source": "HR records"},
        target={"value": 12, "by": "2028-09-30"}, months=12, method="ex_post_verification",
        assessed_by=["independent"], co_defined=True)
    return {
        "price": {"amount": "398000.00", "currency": "GBP"},
        "responses": _responses({
            "Q1": "We commit to changes in people's lives, measured with validated scales "
                  "against an intake baseline and verified independently.",
            "Q2": "People with lived experience co-commission and co-design the service and "
                  "hold two seats on our governance board with a participatory budget.",
            "Q3": "We build on people's assets and capabilities: peer support, reciprocity "
                  "and blurred roles between staff and members.",
            "Q4": "An experienced team of 9, a delivery plan with milestones and a risk "
                  "register reviewed monthly with members.",
            "Q5": "People using the service co-assess outcomes through a members' panel.",
            "SV": "Local recruitment: 60% of roles filled by residents within 12 months.",
        }, [loneliness, wellbeing], q5=[volunteering]),
        "coproduction": {
            "stages": {"commissioning": "co-design", "design": "co-production",
                       "delivery": "co-production", "assessment": "co-design"},
            "power_sharing": ["governance_seats", "budget_rights",
                              "paid_lived_experience_roles"],
            "principles": ["assets", "capabilities", "reciprocity", "peer_support",
                           "blurring_roles", "facilitating"],
            "reciprocity_offers": ["training", "expenses", "first_refusal_on_jobs"],
        },
    }


def outputs_only_bid() -> dict[str, Any]:
    """Hilltop Community Services: counts activity, claims co-design without sharing power."""
    sessions = _commitment(
        "40 peer-support sessions delivered", "outcome",
        {"name": "Sessions delivered", "unit": "count", "instrument": "attendance log"},
        baseline=None, target={"value": 40, "by": "2027-12-31"}, months=None, method="none",
        assessed_by=["provider"], co_defined=False)
    engaged = _commitment(
        "120 people engaged", "outcome",
        {"name": "People engaged", "unit": "count", "instrument": "register"},
        baseline=None, target={"value": 120, "by": "2027-12-31"}, months=None, method="none",
        assessed_by=["provider"], co_defined=False)
    satisfied = _commitment(
        "90% satisfied with the service", "outcome",
        {"name": "Satisfaction", "unit": "percent", "instrument": "exit questionnaire"},
        baseline=None, target={"value": 90, "by": "2027-12-31"}, months=None, method="none",
        assessed_by=["provider"], co_defined=False)
    return {
        "price": {"amount": "360000.00", "currency": "GBP"},
        "responses": _responses({
            "Q1": "We will deliver 40 sessions and engage 120 people a year.",
            "Q2": "We co-design our programme after consulting users.",
            "Q3": "Staff deliver activities for residents.",
            "Q4": "We have delivered similar contracts for ten years.",
            "Q5": "We run an annual satisfaction survey.",
            "SV": "We pay the living wage.",
        }, [sessions, engaged, satisfied]),
        "coproduction": {
            "stages": {"commissioning": "informing", "design": "co-design",
                       "delivery": "consultation", "assessment": "informing"},
            "power_sharing": [],
            "principles": ["peer_support"],
            "reciprocity_offers": [],
        },
    }


def low_price_bid() -> dict[str, Any]:
    """QuickCare: a reasonable outcomes offer at an abnormally low price."""
    tenancy = _commitment(
        "Tenancy sustained 12 months for people at risk of losing their home", "outcome",
        {"name": "Tenancies sustained 12 months", "unit": "count",
         "instrument": "housing records"},
        baseline={"value": 0, "date": "2026-09-01", "source": "housing register"},
        target={"value": 30, "by": "2028-06-30"}, months=12, method="historical_comparison",
        assessed_by=["commissioner"], co_defined=False)
    return {
        "price": {"amount": "180000.00", "currency": "GBP"},
        "responses": _responses({
            "Q1": "We focus on keeping people in their homes.",
            "Q2": "We consult members twice a year.",
            "Q3": "Volunteers offer peer support.",
            "Q4": "A small team with a lean delivery model.",
            "Q5": "The commissioner reviews our outcome data.",
            "SV": "We recruit volunteers locally.",
        }, [tenancy]),
        "coproduction": {
            "stages": {"commissioning": "consultation", "design": "engagement",
                       "delivery": "engagement", "assessment": "consultation"},
            "power_sharing": [],
            "principles": ["peer_support", "assets"],
            "reciprocity_offers": ["expenses"],
        },
    }


BIDDERS = [
    {"key": "strong", "organisation": {"name": "Brightside Connect CIC", "kind": "cic"},
     "email": "bids@brightside.example", "bid": strong_outcomes_bid},
    {"key": "outputs", "organisation": {"name": "Hilltop Community Services",
                                        "kind": "charity"},
     "email": "tenders@hilltop.example", "bid": outputs_only_bid},
    {"key": "lowprice", "organisation": {"name": "QuickCare Social Enterprise",
                                         "kind": "social_enterprise"},
     "email": "office@quickcare.example", "bid": low_price_bid},
]



def specification() -> bytes:
    """The tender's specification, attached before publication (a plain-text document)."""
    return (b"Community wellbeing and loneliness service: specification\n\n"
            b"Outcomes sought: fewer people report feeling lonely (UCLA-3), sustained for nine "
            b"months; co-produced with the people who use the service at every stage.\n")


def method_statement(organisation: str) -> bytes:
    """A bidder's method statement, one document per bid (a plain-text document)."""
    return (f"{organisation}: method statement\n\nHow we will deliver, staff and govern the "
            "service with the people who use it, and how we will measure what changes.\n"
            ).encode()


# Panel scores per bid and criterion: three evaluators (the third has lived experience).
PANEL_SCORES = {
    "strong": {"Q1": [5, 4, 5], "Q2": [5, 5, 4], "Q3": [4, 4, 5], "Q4": [4, 4, 2],
               "Q5": [4, 5, 5], "SV": [4, 3, 4]},
    "outputs": {"Q1": [2, 1, 1], "Q2": [2, 2, 1], "Q3": [2, 1, 1], "Q4": [4, 3, 4],
                "Q5": [1, 1, 1], "SV": [3, 3, 2]},
    "lowprice": {"Q1": [3, 3, 3], "Q2": [2, 2, 2], "Q3": [3, 2, 3], "Q4": [2, 3, 3],
                 "Q5": [2, 2, 1], "SV": [2, 2, 2]},
}
MODERATION = {("strong", "Q4"): (3, "Panel agreed the risk register is thin on staffing.")}
