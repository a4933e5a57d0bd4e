"""Scoring jobs (rq, JSON payloads): thin wrappers over the service layer."""

from __future__ import annotations

from typing import Any

from services.scoring.context import process_context
from services.scoring.service_layer import intake, payments, performance, reminders, runs
from services.scoring.service_layer import tree_heads as heads
from shared.contracts import PublishTreeHead, Tick, load_payload
from shared.faults import pause_point


def record_tender(payload: dict[str, Any]) -> bool:
    """``TenderPublished``/``TenderAmended``/``TenderCancelled``: keep the tender's document."""
    return intake.record_tender(process_context(), payload)


def assess_tender(payload: dict[str, Any]) -> bool:
    """``TenderClosed``: store the snapshot and opened bids, assess every bid (once)."""
    pause_point("assess_tender")  # test hook (shared/faults.py), off unless configured
    return intake.assess_tender(process_context(), payload)


def run_scoring(payload: dict[str, Any]) -> bool:
    """``RunScoringRequested``: compute a queued scoring run from its frozen inputs (once)."""
    pause_point("run_scoring")  # test hook (shared/faults.py), off unless configured
    return runs.execute_run(process_context(), payload)


def publish_tree_head(payload: dict[str, Any]) -> bool:
    """The periodic tree head (docs/architecture.md, "Signed tree heads"): signs one if the
    log grew since the last head."""
    load_payload(PublishTreeHead, payload)
    return heads.publish_periodic_head(process_context())


def record_contract_event(payload: dict[str, Any]) -> bool:
    """``ContractEvent``: log a contract step; a decision re-rates its period (once)."""
    return performance.record_contract_event(process_context(), payload)


def run_payments(payload: dict[str, Any]) -> bool:
    """``RunPaymentsRequested``: record a contract's outcome payments from its current inputs
    (once: the same inputs are never recorded twice)."""
    return payments.run_payments(process_context(), payload)


def remind_missing_scores(payload: dict[str, Any]) -> int:
    """The scheduler's tick: remind panel members of scores still missing (each offset once)."""
    load_payload(Tick, payload)
    return reminders.remind_missing_scores(process_context())
