"""Tender rules: minimum periods and whole-document validation (defaults in shared)."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from services.commissioning.domain import rate_cards
from services.commissioning.domain.lots import check_lots
from shared.methodology import (
    DEFAULT_EVALUATION,
    DEFAULT_PRICE,
    GENERIC_DESCRIPTORS,
    TOTAL_WEIGHT,
    default_criteria,
)


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




def complete_document(doc: dict[str, Any]) -> dict[str, Any]:
    """Fill omitted parts (criteria, price, evaluation, descriptors) with the defaults."""
    out = deepcopy(doc)
    out.setdefault("description", "")
    out.setdefault("service_area", None)
    out.setdefault("estimated_value", None)
    out.setdefault("clarification_deadline", None)
    out.setdefault("submission_deadline", None)
    out.setdefault("rate_card", None)
    out.setdefault("source", None)
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
    out.setdefault("lots", None)
    for lot in out["lots"] or []:
        for criterion in lot.get("criteria") or []:
            criterion.setdefault("description", "")
            criterion.setdefault("minimum_score", None)
            criterion.setdefault("outcomes_sought", [])
            if not criterion.get("descriptors"):
                criterion["descriptors"] = dict(GENERIC_DESCRIPTORS)
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
    for path, msgs in rate_cards.check(doc.get("rate_card"), criteria).items():
        errors.setdefault(path, []).extend(msgs)
    if check_weights:
        total = sum(c["weight"] for c in criteria) + price["weight"]
        if total != TOTAL_WEIGHT:
            err("criteria",
                f"Criteria weights plus the price weight must sum to 100 (got {total}).")
    for path, msgs in check_lots(doc, check_weights=check_weights).items():
        errors.setdefault(path, []).extend(msgs)
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
