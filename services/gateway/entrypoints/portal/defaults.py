"""Vocabularies and the default criteria set (DESIGN.md §4) the tender form starts from."""

from __future__ import annotations

SERVICE_AREAS = ["adult_social_care", "children_and_families", "health_and_wellbeing",
                 "housing_and_homelessness", "employment_and_skills", "community_safety",
                 "mental_health", "other"]
CATEGORIES = ["outcomes", "coproduction_depth", "coproduction_principles", "delivery",
              "co_assessment", "social_value", "quality"]
PRICE_FORMULAS = [("absolute_benchmark", "Against the ceiling and floor (no rank reversal)"),
                  ("relative_to_lowest", "Relative to the lowest price"),
                  ("linear_deduction", "Linear deduction from the lowest price"),
                  ("fixed_price", "Fixed price (quality only, price weight 0)")]
LADDER = ["coercion", "educating", "informing", "consultation", "engagement", "co-design",
          "co-production"]
STAGES = [("commissioning", "Co-commissioning"), ("design", "Co-design"),
          ("delivery", "Co-delivery"), ("assessment", "Co-assessment")]
POWER_SHARING = [("governance_seats", "Seats on the governing body"),
                 ("budget_rights", "A say over budget"),
                 ("paid_lived_experience_roles", "Paid lived-experience roles")]
PRINCIPLES = [("assets", "People as assets"), ("capabilities", "Building on capabilities"),
              ("reciprocity", "Reciprocity"), ("peer_support", "Peer support"),
              ("blurring_roles", "Blurring professional and recipient roles"),
              ("facilitating", "Facilitating rather than delivering")]
RECIPROCITY = [("training", "Training"), ("expenses", "Expenses paid"),
               ("first_refusal_on_jobs", "First refusal on jobs")]
DECLARED_LEVELS = [("outcome", "Outcome: a change in people's lives"),
                   ("intermediate", "Intermediate outcome"), ("output", "Output: activity")]
UNITS = ["scale", "percent", "count", "binary"]
METHODS = ["pre_post", "rct", "quasi_experimental", "historical_comparison",
           "ex_post_verification", "none"]
ASSESSORS = [("people_using_service", "People using the service"),
             ("independent", "Independent assessor"), ("commissioner", "Commissioner"),
             ("provider", "Provider")]
FREQUENCIES = ["monthly", "quarterly", "annually"]


def _descriptors(none: str, weak: str, good: str, excellent: str) -> dict[str, str]:
    return {"0": none, "1": weak, "3": good, "5": excellent}


DEFAULT_CRITERIA = [
    {"key": "Q1", "title": "Outcomes framework", "category": "outcomes", "weight": 20,
     "minimum_score": 2,
     "description": "Changes in people's lives, each with an indicator, baseline, target, "
                    "validation method and timeframe.",
     "outcomes_sought": [],
     "descriptors": _descriptors("No response", "Outputs or activity only",
                                 "Outcomes with indicators, some gaps in baseline or method",
                                 "Verifiable outcomes co-defined with people, with baseline, "
                                 "target, method and sustainment")},
    {"key": "Q2", "title": "Depth of co-production", "category": "coproduction_depth",
     "weight": 15, "minimum_score": None,
     "description": "Co-production across co-commissioning, co-design, co-delivery and "
                    "co-assessment, with power shared.",
     "outcomes_sought": [],
     "descriptors": _descriptors("No response", "Informing or consultation only",
                                 "Co-design in some stages", "Co-production in every stage, "
                                 "with real power sharing")},
    {"key": "Q3", "title": "Co-production principles in practice",
     "category": "coproduction_principles", "weight": 10, "minimum_score": None,
     "description": "Assets, capabilities, reciprocity, peer support, blurred roles, "
                    "facilitating rather than delivering; accessibility.",
     "outcomes_sought": [],
     "descriptors": _descriptors("No response", "Principles named but not evidenced",
                                 "Several principles evidenced", "All principles evidenced")},
    {"key": "Q4", "title": "Delivery, capacity and risk", "category": "delivery", "weight": 10,
     "minimum_score": None, "description": "Team, plan, milestones and risk management.",
     "outcomes_sought": [],
     "descriptors": _descriptors("No response", "Significant gaps", "Credible plan",
                                 "Strong plan with risks owned and mitigated")},
    {"key": "Q5", "title": "Co-assessment and learning", "category": "co_assessment",
     "weight": 5, "minimum_score": None,
     "description": "People who use the service assess the outcomes; learning loops.",
     "outcomes_sought": [],
     "descriptors": _descriptors("No response", "Provider assesses itself",
                                 "People using the service take part in assessment",
                                 "People using the service lead assessment")},
    {"key": "SV", "title": "Social value", "category": "social_value", "weight": 10,
     "minimum_score": None, "description": "A social value commitment with a metric and a "
                                           "timed plan.",
     "outcomes_sought": [],
     "descriptors": _descriptors("No response", "General statement only",
                                 "Commitment with a metric", "Measured, timed commitment")},
]
