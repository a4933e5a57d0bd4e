"""Contract rules: frequencies, the term, the schedule, lateness and the checks on figures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services.commissioning.domain import contracts as rules
from tests.support.builders import criteria, outcome_commitment, responses


@pytest.mark.parametrize(("text", "months"), [
    ("monthly", 1), ("Quarterly", 3), ("six-monthly", 6), ("half yearly", 6), ("annually", 12),
    (None, 12), ("whenever", 12)])
def test_frequencies(text, months):
    assert rules.frequency_months(text) == months


def test_add_months_clamps_to_the_end_of_the_month():
    assert rules.add_months(date(2030, 1, 31), 1) == date(2030, 2, 28)
    assert rules.add_months(date(2030, 11, 15), 3) == date(2031, 2, 15)


def test_agreed_metrics_number_every_commitment_and_mark_social_value():
    rs = responses([outcome_commitment(), outcome_commitment(statement="Second")])
    sv = next(r for r in rs if r["criterion_key"] == "SV")
    sv["outcome_commitments"] = [outcome_commitment(statement="Local jobs")]
    metrics = rules.agreed_metrics(rs, criteria())
    assert [(m["id"], m["criterion_key"], m["social_value"]) for m in metrics] == [
        ("M1", "Q1", False), ("M2", "Q1", False), ("M3", "SV", True)]
    assert metrics[0]["target"] == {"value": 5.5, "by": "2028-03-31"}


def test_the_term_runs_to_the_last_target_plus_sustainment_and_at_least_a_year():
    metric = {"target": {"by": "2031-03-31"}, "sustainment_period_months": 9}
    assert rules.term(date(2030, 3, 1), [metric]) == (date(2030, 3, 1), date(2031, 12, 31))
    assert rules.term(date(2030, 3, 1), []) == (date(2030, 3, 1), date(2031, 3, 1))


def test_a_quarterly_schedule_covers_the_term_without_gaps():
    periods = rules.schedule(date(2030, 3, 1), date(2031, 3, 1), "quarterly")
    assert [p["period"] for p in periods] == [1, 2, 3, 4]
    assert periods[0] == {"period": 1, "start": "2030-03-01", "end": "2030-05-31",
                          "due": "2030-05-31", "late_after": "2030-06-14"}
    assert periods[-1]["end"] == "2031-02-28"
    for a, b in zip(periods, periods[1:], strict=False):
        assert date.fromisoformat(a["end"]).toordinal() + 1 == date.fromisoformat(
            b["start"]).toordinal()


def test_late_only_after_the_grace_period():
    period = rules.schedule(date(2030, 3, 1), date(2031, 3, 1), "quarterly")[0]
    assert not rules.is_late(period, datetime(2030, 6, 14, 23, 59, tzinfo=UTC))
    assert rules.is_late(period, datetime(2030, 6, 15, tzinfo=UTC))
    states = [rules.period_state(period, False, date(2030, d_m[0], d_m[1]))
              for d_m in ((2, 1), (4, 1), (6, 1), (6, 15))]
    assert states == ["upcoming", "open", "due", "late"]
    assert rules.period_state(period, True, date(2030, 6, 15)) == "reported"


@pytest.mark.parametrize(("unit", "value", "reported", "engaged", "with_outcome", "fields"), [
    ("scale", "6.2", "scale", 40, 22, []),
    ("scale", "6.2", "percent", 40, 22, ["unit"]),
    ("percent", "101", "percent", 40, 22, ["value"]),
    ("binary", "0.5", "binary", 1, 1, ["value"]),
    ("count", "2.5", "count", 5, 2, ["value"]),
    ("count", "-1", "count", 5, 2, ["value"]),
    ("count", "3", "count", 2, 3, ["cohort.people_with_outcome"]),
])
def test_figures_are_checked_against_the_metric(unit, value, reported, engaged, with_outcome,
                                                fields):
    problems = rules.check_figures(unit, Decimal(value), reported, engaged, with_outcome)
    assert [p.field for p in problems] == fields


def test_an_agreed_change_replaces_only_the_changeable_fields_and_reschedules():
    metric = {"id": "M1", "statement": "s", "target": {"value": 5.5, "by": "2031-03-01"},
              "reporting_frequency": "quarterly",
              "schedule": rules.schedule(date(2030, 3, 1), date(2031, 3, 1), "quarterly")}
    (changed,) = rules.apply_change([metric], {"M1": {"reporting_frequency": "annual",
                                                      "statement": "not changeable"}},
                                    date(2030, 3, 1), date(2031, 3, 1))
    assert changed["statement"] == "s" and len(changed["schedule"]) == 1
    assert rules.change_kind(date(2030, 2, 1), date(2030, 3, 1)) == "change"
    assert rules.change_kind(date(2030, 3, 1), date(2030, 3, 1)) == "variation"


PERIOD = {"period": 2, "start": "2030-04-01", "end": "2030-06-30", "due": "2030-06-30",
          "late_after": "2030-07-14"}


@pytest.mark.parametrize("today,reported,expected", [
    ("2030-03-31", False, None),        # not begun
    ("2030-06-22", False, None),        # more than 7 days before the due date
    ("2030-06-23", False, "due"),       # 7 days before
    ("2030-06-30", False, "due"),       # on the due date
    ("2030-07-01", False, "late"),      # after it, grace or not
    ("2030-08-01", False, "late"),
    ("2030-06-25", True, None),         # reported: nothing to remind
    ("2030-07-20", True, None),
])
def test_providers_are_reminded_before_the_due_date_and_when_late(today, reported, expected):
    assert rules.report_reminder(PERIOD, reported, date.fromisoformat(today)) == expected
