"""Report notices leave commissioning once, in the change's transaction: a new report to its
reviewers, and the reminder sweep's report due / late to the provider."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from services.commissioning.adapters.tables import outbox
from services.commissioning.context import context_from_app
from services.commissioning.service_layer.report_reminders import remind_reports
from shared.contracts import RECORD_NOTIFICATION_EVENT, NotificationEvent
from tests.conftest import identity

from .conftest import _invite, _report


def _notices(world, event_type):
    with context_from_app(world.app).session_factory() as session:
        rows = session.execute(select(outbox.c.payload, outbox.c.job_name).where(
            outbox.c.event_type == event_type)).all()
    assert all(job == RECORD_NOTIFICATION_EVENT for _, job in rows)
    return [NotificationEvent().load(p) for p, _ in rows]


def test_a_new_report_tells_the_reviewers_only(world, contract):
    reviewers = [identity("reviewer", organisation_id="org_people") for _ in range(2)]
    validator = identity("validator", organisation_id="org_people")
    for r in reviewers:
        assert _invite(world, contract, r, "reviewer").status_code == 201
    assert _invite(world, contract, validator, "validator").status_code == 201

    assert _report(world, contract).status_code == 201
    [notice] = _notices(world, "ReportToAssess")
    assert sorted(notice["data"]["user_ids"]) == sorted(r.user_id for r in reviewers)
    assert notice["data"]["contract_id"] == contract["id"]
    assert (notice["data"]["metric_id"], notice["data"]["period"]) == ("M1", 1)
    # Ids only: the figures, method and provider stay in commissioning.
    assert "6.2" not in str(notice) and "UCLA" not in str(notice)
    assert "org_enterprise_1" not in str(notice["data"])

    corrected = _report(world, contract, value=6.4, reason="Two surveys were missed")
    assert corrected.status_code == 201
    assert len(_notices(world, "ReportToAssess")) == 2  # each version is new to assess


def test_no_reviewers_no_notice(world, contract):
    assert _report(world, contract).status_code == 201
    assert _notices(world, "ReportToAssess") == []


def test_reports_due_and_late_are_told_to_the_provider_once_each(world, contract):
    ctx = context_from_app(world.app)
    first = contract["metrics"][0]["schedule"][0]
    due = datetime.fromisoformat(first["due"]).replace(hour=9, tzinfo=UTC)
    assert remind_reports(ctx) == 0  # the first period has just begun
    world.clock.now = due - timedelta(days=7)
    found = remind_reports(ctx)
    due_notices = _notices(world, "ReportDue")
    assert found == len(due_notices) >= 1
    m1 = [n for n in due_notices if n["data"]["metric_id"] == "M1"]
    assert [n["data"]["period"] for n in m1] == [1]
    assert m1[0]["data"]["organisation_id"] == "org_enterprise_1"
    assert m1[0]["data"]["due"] == first["due"]
    assert remind_reports(ctx) == 0  # a second sweep: nothing twice

    # M1 reported; whatever else is due goes late, once.
    assert _report(world, contract).status_code == 201
    world.clock.now = due + timedelta(days=1)
    late = remind_reports(ctx)
    late_notices = _notices(world, "ReportLate")
    assert late == len(late_notices) == len(due_notices) - 1
    assert not any(n["data"]["metric_id"] == "M1" for n in late_notices)
    world.clock.advance(days=3)
    assert remind_reports(ctx) == 0
    assert all(n["event_id"].count("report-") == 1 for n in late_notices)


def test_nobody_else_is_told(world, contract):
    world.clock.now = datetime.fromisoformat(
        contract["metrics"][0]["schedule"][0]["due"]).replace(tzinfo=UTC)
    remind_reports(context_from_app(world.app))
    for n in _notices(world, "ReportDue"):
        assert set(n["data"]) == {"key", "organisation_id", "contract_id", "metric_id",
                                  "period", "due", "late_after"}
        assert n["data"]["organisation_id"] == "org_enterprise_1"
