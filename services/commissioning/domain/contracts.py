"""Contracts after award: agreed metrics from the winning bid, the term, the reporting schedule
and the checks on a reported figure. Pure: dates and plain data in, plain data out.

docs/api.md, "Contracts", publishes these rules (frequencies, the grace period, units).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

# A report is late once this many days have passed after its period's due date.
GRACE_DAYS = 14
# Months per reporting period, by the bid's free-text ``reporting_frequency`` (normalised).
FREQUENCY_MONTHS = {"monthly": 1, "quarterly": 3, "six_monthly": 6, "half_yearly": 6,
                    "biannual": 6, "biannually": 6, "annual": 12, "annually": 12, "yearly": 12}
# Unknown or missing frequencies report annually: the Procurement Act 2023 asks for an
# assessment at least every 12 months.
DEFAULT_FREQUENCY_MONTHS = 12
MIN_TERM_MONTHS = 12
PENDING, ACTIVE = "pending", "active"
VERDICTS = ("agree", "partly", "disagree")
DECISIONS = ("validated", "disputed", "rejected")
ASSESSOR_KINDS = {"reviewer": "reviewer", "validator": "validator"}  # kind -> role required


def frequency_months(frequency: str | None) -> int:
    """Months per reporting period for a commitment's ``reporting_frequency``."""
    key = (frequency or "").strip().lower().replace("-", "_").replace(" ", "_")
    return FREQUENCY_MONTHS.get(key, DEFAULT_FREQUENCY_MONTHS)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (clamped to the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _iso_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def agreed_metrics(responses: list[dict[str, Any]],
                   criteria: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every outcome commitment of the winning bid, numbered M1, M2, ... in bid order.

    A commitment made under a ``social_value`` criterion is the social value commitment.
    """
    category = {c.get("key"): c.get("category") for c in criteria}
    metrics: list[dict[str, Any]] = []
    for response in responses:
        for c in response.get("outcome_commitments") or []:
            metrics.append({
                "id": f"M{len(metrics) + 1}", "criterion_key": response.get("criterion_key"),
                "social_value": category.get(response.get("criterion_key")) == "social_value",
                "statement": c.get("statement"), "declared_level": c.get("declared_level"),
                "indicator": c.get("indicator"), "baseline": c.get("baseline"),
                "target": c.get("target"),
                "sustainment_period_months": c.get("sustainment_period_months"),
                "validation_method": c.get("validation_method"),
                "assessed_by": list(c.get("assessed_by") or []),
                "reporting_frequency": c.get("reporting_frequency"),
            })
    return metrics


def term(start: date, metrics: list[dict[str, Any]]) -> tuple[date, date]:
    """The contract term: from ``start`` until the last target date plus its sustainment
    period, and at least ``MIN_TERM_MONTHS``."""
    end = add_months(start, MIN_TERM_MONTHS)
    for m in metrics:
        by = _iso_date((m.get("target") or {}).get("by"))
        if by is not None:
            end = max(end, add_months(by, int(m.get("sustainment_period_months") or 0)))
    return start, end


def schedule(start: date, end: date, frequency: str | None) -> list[dict[str, Any]]:
    """Reporting periods 1..n covering the term; each is due on its last day."""
    months = frequency_months(frequency)
    periods, n, begin = [], 1, start
    while begin < end:
        stop = min(add_months(start, n * months), end)
        due = stop - timedelta(days=1)
        periods.append({"period": n, "start": begin.isoformat(), "end": due.isoformat(),
                        "due": due.isoformat(),
                        "late_after": (due + timedelta(days=GRACE_DAYS)).isoformat()})
        n, begin = n + 1, stop
    return periods


def with_schedules(metrics: list[dict[str, Any]], start: date, end: date) -> list[dict[str, Any]]:
    """The metrics, each with its reporting schedule over the term."""
    return [{**m, "schedule": schedule(start, end, m.get("reporting_frequency"))}
            for m in metrics]


def is_late(period: dict[str, Any], submitted_at: datetime) -> bool:
    """True when a report arrives after its period's due date plus the grace period."""
    return submitted_at.date() > date.fromisoformat(period["late_after"])


def period_state(period: dict[str, Any], reported: bool, today: date) -> str:
    """``reported``, ``upcoming`` (not started), ``open``, ``due`` (in grace) or ``late``."""
    if reported:
        return "reported"
    if today < date.fromisoformat(period["start"]):
        return "upcoming"
    if today <= date.fromisoformat(period["due"]):
        return "open"
    return "due" if today <= date.fromisoformat(period["late_after"]) else "late"


@dataclass(frozen=True)
class ReportProblem:
    """A reported figure that breaks a rule: which field, and why."""

    field: str
    message: str


def check_figures(unit: str, value: Decimal, reported_unit: str, engaged: int,
                  with_outcome: int) -> list[ReportProblem]:
    """Problems with a report's figures against its metric's unit (empty when all is well)."""
    problems = []
    if reported_unit != unit:
        problems.append(ReportProblem("unit", f"This metric is measured in {unit!r}, "
                                              f"not {reported_unit!r}."))
    elif unit == "percent" and not Decimal(0) <= value <= Decimal(100):
        problems.append(ReportProblem("value", "A percentage must be between 0 and 100."))
    elif unit == "binary" and value not in (Decimal(0), Decimal(1)):
        problems.append(ReportProblem("value", "A binary measure is 0 or 1."))
    elif unit == "count" and (value < 0 or value != value.to_integral_value()):
        problems.append(ReportProblem("value", "A count is a whole number of at least 0."))
    if with_outcome > engaged:
        problems.append(ReportProblem("cohort.people_with_outcome",
                                      "Cannot exceed the people engaged."))
    return problems


# What an agreed change may alter on a metric (the rest is the bid's commitment as made).
CHANGEABLE = ("target", "baseline", "reporting_frequency", "sustainment_period_months")


def apply_change(metrics: list[dict[str, Any]], changes: dict[str, dict[str, Any]],
                 start: date, end: date) -> list[dict[str, Any]]:
    """The metrics with an agreed change applied, their schedules recomputed over the term
    (period numbers stay: period *p* is still the *p*-th of the new schedule)."""
    out = []
    for m in metrics:
        changed = {**m, **{k: v for k, v in changes.get(m["id"], {}).items() if k in CHANGEABLE}}
        changed.pop("schedule", None)
        periods = schedule(start, end, changed.get("reporting_frequency"))
        out.append({**changed, "schedule": periods})
    return out


def change_kind(today: date, start: date) -> str:
    """A change agreed before the contract starts is a ``change``; after, a ``variation``."""
    return "change" if today < start else "variation"


REPORT_DUE_DAYS = 7  # the provider is reminded this many days before a period's due date


def report_reminder(period: dict[str, Any], reported: bool, today: date,
                    days_before: int = REPORT_DUE_DAYS) -> str | None:
    """``due`` in the days before an unreported period's due date, ``late`` after it, else
    None (each is sent once: the caller keys it per contract, metric, period and kind)."""
    if reported or today < date.fromisoformat(period["start"]):
        return None
    due = date.fromisoformat(period["due"])
    if today > due:
        return "late"
    return "due" if today >= due - timedelta(days=days_before) else None
