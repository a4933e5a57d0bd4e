"""Reminders to providers: a period's report due soon, or late (sent as notification events
to the gateway by the scheduler's reminder tick; docs/architecture.md, "Notifications")."""

from __future__ import annotations

from sqlalchemy import select

from services.commissioning.adapters.outbox import emit_notification, send_events_now
from services.commissioning.adapters.tables import Contract, MetricReport, Tender, outbox
from services.commissioning.context import Context
from services.commissioning.domain import contracts as rules
from shared.db import transaction

EVENTS = {"due": "ReportDue", "late": "ReportLate"}


def remind_reports(ctx: Context) -> int:
    """One notice per contract, metric, period and kind; how many new ones were written."""
    today = ctx.clock().date()
    jobs = []
    with transaction(ctx.session_factory) as session:
        for contract in session.scalars(select(Contract).where(Contract.start_date <= today)):
            reported = set(session.execute(select(MetricReport.metric_id, MetricReport.period)
                                           .where(MetricReport.contract_id == contract.id)))
            tender = None
            for metric in contract.metrics:
                for period in metric["schedule"]:
                    kind = rules.report_reminder(
                        period, (metric["id"], period["period"]) in reported, today)
                    if kind is None:
                        continue
                    key = f"report-{kind}-{contract.id}-{metric['id']}-{period['period']}"
                    if session.scalar(select(outbox.c.id).where(
                            outbox.c.job_id == f"notify-{EVENTS[kind]}-{key}")):
                        continue  # told already: once per kind
                    tender = tender or session.get(Tender, contract.tender_id)
                    jobs.append(emit_notification(session, tender, EVENTS[kind], key, {
                        "key": key, "organisation_id": contract.supplier_organisation_id,
                        "contract_id": contract.id, "metric_id": metric["id"],
                        "period": period["period"], "due": period["due"],
                        "late_after": period["late_after"]}))
    send_events_now(ctx, jobs)
    return len(jobs)
