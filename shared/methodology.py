"""The published methodology: the default criteria, categories, formulas, evaluation defaults,
the co-production ladder and the commitment vocabularies (docs/scoring.md states them).

Every service and the portal import these; none keeps a copy. Pure data and one copier, so
domain modules may import it.
"""

from __future__ import annotations

from copy import deepcopy
from fractions import Fraction
from typing import Any

CATEGORIES = ("outcomes", "coproduction_depth", "coproduction_principles", "delivery",
              "co_assessment", "social_value", "quality")
FORMULAS = ("absolute_benchmark", "relative_to_lowest", "linear_deduction", "fixed_price")
MODES = ("panel", "automatic")
TOTAL_WEIGHT = 100

DEFAULT_EVALUATION: dict[str, Any] = {
    "mode": "panel", "min_evaluators": 3, "require_lived_experience": True,
    "min_quality_share": 0.6, "standstill_working_days": 8,
}
DEFAULT_PRICE: dict[str, Any] = {"weight": 30, "formula": "absolute_benchmark",
                                 "ceiling": None, "floor": None}
GENERIC_DESCRIPTORS = {
    "0": "No response, or the response fails to address the requirement.",
    "1": "Poor: significant gaps, weaknesses or unsupported claims.",
    "3": "Good: meets the requirement with credible evidence and minor gaps.",
    "5": "Excellent: fully meets the requirement with strong, specific, verifiable evidence.",
}


def _criterion(key: str, title: str, category: str, weight: int, description: str,
               descriptors: dict[str, str]) -> dict[str, Any]:
    return {"key": key, "title": title, "category": category, "weight": weight,
            "description": description, "minimum_score": None, "outcomes_sought": [],
            "descriptors": descriptors}


DEFAULT_CRITERIA: list[dict[str, Any]] = [
    _criterion("Q1", "Outcomes framework", "outcomes", 20,
               "Changes in people's lives, each with indicator, baseline, target, validation "
               "method and timeframe.",
               {"0": "No outcomes, or only activity counts.",
                "1": "Outputs or satisfaction measures presented as outcomes.",
                "3": "Real outcomes with indicators, but baselines, targets or methods partly "
                     "missing.",
                "5": "Outcomes with indicator, baseline, target, credible validation method and "
                     "sustainment period, co-defined with people using the service."}),
    _criterion("Q2", "Depth of co-production", "coproduction_depth", 15,
               "Co-production across co-commissioning, co-design, co-delivery and co-assessment, "
               "on the ladder coercion to co-production.",
               {"0": "No involvement of people using the service.",
                "1": "Informing or consultation only.",
                "3": "Co-design in some stages, with some power-sharing.",
                "5": "Co-production across all four stages with real power-sharing (governance "
                     "seats, budget rights, paid lived-experience roles)."}),
    _criterion("Q3", "Co-production principles in practice", "coproduction_principles", 10,
               "People as assets, building on capabilities, reciprocity, peer support, blurring "
               "roles, facilitating rather than delivering; accessibility.",
               {"0": "Principles absent.", "1": "Principles named but not evidenced.",
                "3": "Several principles evidenced in practice.",
                "5": "All principles evidenced with concrete, accessible practice."}),
    _criterion("Q4", "Delivery, capacity and risk", "delivery", 10,
               "Mobilisation, staffing, partnerships, safeguarding and risk management.",
               {"0": "No credible delivery plan.", "1": "Major capacity or risk gaps.",
                "3": "Credible plan with manageable risks.",
                "5": "Robust, evidenced plan with mitigated risks."}),
    _criterion("Q5", "Co-assessment and learning", "co_assessment", 5,
               "People who use the service assess outcomes; learning loops.",
               {"0": "No assessment by people using the service.",
                "1": "Feedback collected but not used.",
                "3": "People using the service assess some outcomes.",
                "5": "People using the service co-assess all outcomes and shape improvements."}),
    _criterion("SV", "Social value", "social_value", 10,
               "Social value commitment with a metric and a timed delivery plan.",
               {"0": "No social value commitment.", "1": "Vague commitment without a metric.",
                "3": "Commitment with a metric and partial plan.",
                "5": "Specific, measurable, timed commitments with reporting."}),
]


def default_criteria() -> list[dict[str, Any]]:
    """A fresh copy of the default criteria set (callers may change it)."""
    return deepcopy(DEFAULT_CRITERIA)


DEFAULT_PRICE_WEIGHT: int = DEFAULT_PRICE["weight"]
# The quality threshold as an exact fraction, for the scoring arithmetic.
DEFAULT_MIN_QUALITY_SHARE = Fraction(str(DEFAULT_EVALUATION["min_quality_share"]))

# Co-production: the ladder of participation (lowest first) and the Four-Co stages.
LADDER = ("coercion", "educating", "informing", "consultation", "engagement", "co-design",
          "co-production")
STAGES = ("commissioning", "design", "delivery", "assessment")
# What counts as sharing power (the Q2 cap), and the co-production principles (Q3).
POWER_SHARING = ("governance_seats", "budget_rights", "paid_lived_experience_roles",
                 "veto_rights", "joint_decision_making", "co_chair", "recruitment_panels")
PRINCIPLES = ("assets", "capabilities", "reciprocity", "peer_support", "blurring_roles",
              "facilitating", "accessibility")

# Outcome commitments: what a bidder declares, how it is measured, validated and assessed.
DECLARED_LEVELS = ("output", "intermediate", "outcome")
UNITS = ("count", "percent", "scale", "binary")
# How a commitment's baseline is written (docs/api.md, "Baselines"): one value (the default when
# `kind` is absent), each person's own intake score on a named instrument (distance travelled),
# or a comparison group / historical cohort the result is compared with.
BASELINE_VALUE, BASELINE_PER_PERSON = "value", "per_person_intake"
BASELINE_COMPARISON, BASELINE_COHORT = "comparison_group", "historical_cohort"
BASELINE_KINDS = (BASELINE_VALUE, BASELINE_PER_PERSON, BASELINE_COMPARISON, BASELINE_COHORT)
VALIDATION_METHODS = ("rct", "quasi_experimental", "historical_comparison", "pre_post",
                      "ex_post_verification", "none")
ASSESSORS = ("provider", "commissioner", "independent", "people_using_service")
