"""rq jobs of the commissioning service: thin wrappers over the service layer (real clock)."""

from __future__ import annotations

from typing import Any

from services.commissioning import context as runtime
from services.commissioning.service_layer import closing, report_reminders
from shared.contracts import CloseDueTenders, Tick, load_payload


def close_due_tenders(payload: dict[str, Any]) -> dict[str, int]:
    """Close every published tender past its deadline (or the one named); conclude standstills."""
    data = load_payload(CloseDueTenders, payload)
    ctx = runtime.process_context()
    return closing.close_due(ctx, ctx.clock(), data.get("tender_id"))


def sweep_due() -> bool:
    """For the scheduler, not a job: whether the close sweeper would find anything to do."""
    ctx = runtime.process_context()
    return closing.anything_due(ctx, ctx.clock())


def record_scoring_result(payload: dict[str, Any]) -> str:
    """Apply a ScoringResult event once."""
    ctx = runtime.process_context()
    return closing.record_scoring_result(ctx, payload, ctx.clock())


def remind_reports(payload: dict[str, Any]) -> int:
    """The scheduler's tick: remind providers of reports due soon or late."""
    load_payload(Tick, payload)
    return report_reminders.remind_reports(runtime.process_context())
