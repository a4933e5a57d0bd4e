"""Tender rules: the default criteria set, minimum periods and whole-document validation."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
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


@dataclass(frozen=True)
class Periods:
    """Minimum periods (days); ``Periods.sandbox()`` has them all at zero."""

    tender_period_days: float = 10
    clarification_days_before_deadline: float = 6
    amendment_min_days: float = 7
    amendment_extension_days: float = 7

    @classmethod
    def sandbox(cls) -> Periods:
        """All minimum periods zero, so a whole cycle runs in seconds."""
        return cls(0, 0, 0, 0)


def default_criteria() -> list[dict[str, Any]]:
    """A fresh copy of the DESIGN §4 default criteria set."""
    return deepcopy(DEFAULT_CRITERIA)


def complete_document(doc: dict[str, Any]) -> dict[str, Any]:
    """Fill omitted parts (criteria, price, evaluation, descriptors) with the defaults."""
    out = deepcopy(doc)
    out.setdefault("description", "")
    out.setdefault("service_area", None)
    out.setdefault("estimated_value", None)
    out.setdefault("clarification_deadline", None)
    out.setdefault("submission_deadline", None)
    if out.get("criteria") is None:
        out["criteria"] = default_criteria()
    for criterion in out["criteria"]:
        criterion.setdefault("description", "")
        criterion.setdefault("minimum_score", None)
        criterion.setdefault("outcomes_sought", [])
        if not criterion.get("descriptors"):
            criterion["descriptors"] = dict(GENERIC_DESCRIPTORS)
    out["price"] = {**DEFAULT_PRICE, **(out.get("price") or {})}
    out["evaluation"] = {**DEFAULT_EVALUATION, **(out.get("evaluation") or {})}
    return out


def tie_break(criteria: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The published tie-break: higher Q1+Q2 points, then total quality, then lower price."""
    keys = [c["key"] for c in criteria if c["category"] in ("outcomes", "coproduction_depth")]
    return [
        {"by": "criteria_points", "criteria": keys, "order": "desc"},
        {"by": "quality_points", "order": "desc"},
        {"by": "price", "order": "asc"},
    ]


def check_structure(doc: dict[str, Any], *, check_weights: bool) -> dict[str, list[str]]:
    """Cross-field rules of a (completed) tender document; field path -> messages."""
    errors: dict[str, list[str]] = {}

    def err(path: str, msg: str) -> None:
        errors.setdefault(path, []).append(msg)

    criteria = doc.get("criteria") or []
    seen: set[str] = set()
    for i, c in enumerate(criteria):
        key = c["key"]
        if key.upper() == "PRICE":
            err(f"criteria.{i}.key", "PRICE is reserved for the price criterion.")
        if key in seen:
            err(f"criteria.{i}.key", f"Duplicate criterion key {key!r}.")
        seen.add(key)
        if c.get("minimum_score") is not None and c["minimum_score"] > 5:
            err(f"criteria.{i}.minimum_score", "Must be between 0 and 5.")
    price = doc["price"]
    if price["formula"] == "fixed_price" and price["weight"] != 0:
        err("price.weight", "Must be 0 for the fixed_price formula.")
    if price["formula"] != "fixed_price" and price["weight"] == 0:
        err("price.weight", "A price formula needs a weight above 0 (or use fixed_price).")
    ceiling, floor = price.get("ceiling"), price.get("floor")
    if ceiling and floor:
        if ceiling["currency"] != floor["currency"]:
            err("price.floor", "Floor and ceiling must be in the same currency.")
        elif Decimal(floor["amount"]) >= Decimal(ceiling["amount"]):
            err("price.floor", "Floor must be lower than the ceiling.")
    for name in ("ceiling", "floor"):
        if price.get(name) and Decimal(price[name]["amount"]) < 0:
            err(f"price.{name}", "Must not be negative.")
    if check_weights:
        total = sum(c["weight"] for c in criteria) + price["weight"]
        if total != TOTAL_WEIGHT:
            err("criteria",
                f"Criteria weights plus the price weight must sum to 100 (got {total}).")
    return errors


def check_deadlines(doc: dict[str, Any], now: datetime, periods: Periods | None = None,
                    *, required: bool = False,
                    changed: tuple[str, ...] | None = None) -> dict[str, list[str]]:
    """Deadlines in the future and ordered; with ``periods``, minimum periods from ``now``.

    ``changed`` limits the in-the-future check to those fields (an amendment may move the
    submission deadline after the clarification deadline has passed).
    """
    errors: dict[str, list[str]] = {}
    clar, sub = doc.get("clarification_deadline"), doc.get("submission_deadline")
    for name, value in (("clarification_deadline", clar), ("submission_deadline", sub)):
        if changed is not None and name not in changed:
            continue
        if value is None:
            if required:
                errors[name] = ["Required to publish."]
        elif value <= now:
            errors[name] = ["Must be in the future."]
    if errors:
        return errors
    if clar is not None and sub is not None and clar >= sub:
        errors["clarification_deadline"] = ["Must be before the submission deadline."]
    if periods is not None and sub is not None:
        earliest = now + timedelta(days=periods.tender_period_days)
        if sub < earliest:
            errors.setdefault("submission_deadline", []).append(
                f"Must allow the minimum tender period of {periods.tender_period_days:g} days.")
        if clar is not None and clar > sub - timedelta(
                days=periods.clarification_days_before_deadline):
            errors.setdefault("clarification_deadline", []).append(
                f"Must be at least {periods.clarification_days_before_deadline:g} days before "
                "the submission deadline.")
    return errors


def check_publishable(doc: dict[str, Any], now: datetime, periods: Periods) -> dict[str, list[str]]:
    """Everything a tender needs before it can be published."""
    errors = check_structure(doc, check_weights=True)
    for path, msgs in check_deadlines(doc, now, periods, required=True).items():
        errors.setdefault(path, []).extend(msgs)
    price = doc["price"]
    if price["formula"] == "absolute_benchmark":
        for name in ("ceiling", "floor"):
            if not price.get(name):
                errors.setdefault(f"price.{name}", []).append(
                    "Required for the absolute_benchmark formula.")
    if not doc.get("criteria"):
        errors.setdefault("criteria", []).append("At least one quality criterion is required.")
    for i, c in enumerate(doc.get("criteria") or []):
        missing = [k for k in ("0", "1", "3", "5") if k not in c["descriptors"]]
        if missing:
            errors.setdefault(f"criteria.{i}.descriptors", []).append(
                f"Descriptors for scores {', '.join(missing)} are required.")
    return errors


def check_amendment(current_deadline: datetime, new_deadline: datetime | None, now: datetime,
                    periods: Periods) -> dict[str, list[str]]:
    """An amendment inside the minimum window must extend the deadline far enough."""
    if current_deadline - now >= timedelta(days=periods.amendment_min_days):
        return {}
    earliest = now + timedelta(days=periods.amendment_extension_days)
    if new_deadline is None or new_deadline <= current_deadline or new_deadline < earliest:
        return {"changes.submission_deadline": [
            f"An amendment less than {periods.amendment_min_days:g} days before the deadline "
            f"must extend the submission deadline to at least "
            f"{periods.amendment_extension_days:g} days from now."]}
    return {}
