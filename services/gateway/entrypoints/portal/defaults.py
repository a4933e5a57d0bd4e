"""The tender and bid forms' choices: the published methodology (shared.methodology) with
the words the portal shows for each value. Values and defaults are never copied here."""

from __future__ import annotations

from shared import methodology
from shared.methodology import CATEGORIES, DEFAULT_CRITERIA, LADDER  # noqa: F401  (for the views)

SERVICE_AREAS = ["adult_social_care", "children_and_families", "health_and_wellbeing",
                 "housing_and_homelessness", "employment_and_skills", "community_safety",
                 "mental_health", "other"]

_FORMULA_LABELS = {"absolute_benchmark": "Against the ceiling and floor (no rank reversal)",
                   "relative_to_lowest": "Relative to the lowest price",
                   "linear_deduction": "Linear deduction from the lowest price",
                   "fixed_price": "Fixed price (quality only, price weight 0)"}
_STAGE_LABELS = {"commissioning": "Co-commissioning", "design": "Co-design",
                 "delivery": "Co-delivery", "assessment": "Co-assessment"}
_POWER_LABELS = {"governance_seats": "Seats on the governing body",
                 "budget_rights": "A say over budget",
                 "paid_lived_experience_roles": "Paid lived-experience roles",
                 "veto_rights": "A veto over decisions", "joint_decision_making":
                 "Decisions made jointly", "co_chair": "A co-chair with lived experience",
                 "recruitment_panels": "Seats on recruitment panels"}
_PRINCIPLE_LABELS = {"assets": "People as assets", "capabilities": "Building on capabilities",
                     "reciprocity": "Reciprocity", "peer_support": "Peer support",
                     "blurring_roles": "Blurring professional and recipient roles",
                     "facilitating": "Facilitating rather than delivering",
                     "accessibility": "Accessible to everyone who uses the service"}
_LEVEL_LABELS = {"outcome": "Outcome: a change in people's lives",
                 "intermediate": "Intermediate outcome", "output": "Output: activity"}
_BASELINE_LABELS = {"value": "A single value",
                    "per_person_intake": "Each person's own intake score (distance travelled)",
                    "comparison_group": "A comparison group",
                    "historical_cohort": "A historical cohort"}
_ASSESSOR_LABELS = {"people_using_service": "People using the service",
                    "independent": "Independent assessor", "commissioner": "Commissioner",
                    "provider": "Provider"}


def _labelled(values: tuple[str, ...], labels: dict[str, str]) -> list[tuple[str, str]]:
    """Each value with its label, in the methodology's order (a missing label is a bug)."""
    return [(value, labels[value]) for value in values]


PRICE_FORMULAS = _labelled(methodology.FORMULAS, _FORMULA_LABELS)
STAGES = _labelled(methodology.STAGES, _STAGE_LABELS)
POWER_SHARING = _labelled(methodology.POWER_SHARING, _POWER_LABELS)
PRINCIPLES = _labelled(methodology.PRINCIPLES, _PRINCIPLE_LABELS)
RECIPROCITY = [("training", "Training"), ("expenses", "Expenses paid"),
               ("first_refusal_on_jobs", "First refusal on jobs")]
# Highest first: a bidder reads the form from the outcome it is aiming for.
DECLARED_LEVELS = _labelled(tuple(reversed(methodology.DECLARED_LEVELS)), _LEVEL_LABELS)
UNITS = list(methodology.UNITS)
METHODS = list(methodology.VALIDATION_METHODS)
BASELINE_KINDS = _labelled(methodology.BASELINE_KINDS, _BASELINE_LABELS)
ASSESSORS = _labelled(tuple(reversed(methodology.ASSESSORS)), _ASSESSOR_LABELS)
FREQUENCIES = ["monthly", "quarterly", "annually"]
ORG_KINDS = [("social_enterprise", "Social enterprise"), ("charity", "Charity"),
             ("cic", "Community interest company (CIC)"), ("cooperative", "Co-operative"),
             ("mutual", "Mutual"), ("other", "Other")]
# A lot may be reserved for any bidder kind but "other" (docs/api.md, "Lots").
RESERVATION_KINDS = [(value, text) for value, text in ORG_KINDS if value != "other"]
