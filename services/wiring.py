"""The composition root's table of contents: each service's jobs, outbox and failure record.

The command line (``services/cli.py``) and the tests' in-process workers read these tables;
nothing is imported by naming convention. Job names are the queue contract's strings
(``shared.contracts``); the functions behind them live in each service's ``entrypoints/jobs``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from services.commissioning import context as commissioning_context
from services.commissioning.adapters import tables as commissioning_tables
from services.commissioning.entrypoints import jobs as commissioning_jobs
from services.gateway import context as gateway_context
from services.gateway.adapters import notification_tables as gateway_tables
from services.gateway.entrypoints import jobs as gateway_jobs
from services.scoring import context as scoring_context
from services.scoring.adapters import tables as scoring_tables
from services.scoring.entrypoints import jobs as scoring_jobs
from shared.config import env
from shared.contracts import (
    ASSESS_TENDER,
    CLOSE_DUE_TENDERS,
    PUBLISH_TREE_HEAD,
    RECORD_CONTRACT_EVENT,
    RECORD_NOTIFICATION_EVENT,
    RECORD_SCORING_RESULT,
    RECORD_TENDER,
    REMIND_MISSING_SCORES,
    REMIND_REPORTS,
    RUN_PAYMENTS,
    RUN_SCORING,
    SEND_NOTIFICATION,
    SEND_REMINDERS,
)

JOBS: dict[str, Callable[[dict[str, Any]], Any]] = {
    CLOSE_DUE_TENDERS: commissioning_jobs.close_due_tenders,
    RECORD_SCORING_RESULT: commissioning_jobs.record_scoring_result,
    RECORD_TENDER: scoring_jobs.record_tender,
    ASSESS_TENDER: scoring_jobs.assess_tender,
    RUN_SCORING: scoring_jobs.run_scoring,
    PUBLISH_TREE_HEAD: scoring_jobs.publish_tree_head,
    RECORD_CONTRACT_EVENT: scoring_jobs.record_contract_event,
    RUN_PAYMENTS: scoring_jobs.run_payments,
    REMIND_MISSING_SCORES: scoring_jobs.remind_missing_scores,
    REMIND_REPORTS: commissioning_jobs.remind_reports,
    RECORD_NOTIFICATION_EVENT: gateway_jobs.record_notification_event,
    SEND_NOTIFICATION: gateway_jobs.send_notification,
    SEND_REMINDERS: gateway_jobs.send_reminders,
}

# The scheduler asks this before queueing the close sweeper (services/cli.py, ``_sweep``).
SWEEP_DUE: Callable[[], bool] = commissioning_jobs.sweep_due


@dataclass(frozen=True)
class QueueOwner:
    """A service that owns a queue: its process sessions, outbox and failed-jobs tables."""

    session_factory: Callable[[], Callable[[], Session]]
    outbox: Table
    failed_jobs: Table


OWNERS: dict[str, QueueOwner] = {
    "commissioning": QueueOwner(lambda: commissioning_context.get_resources().session_factory,
                                commissioning_tables.outbox, commissioning_tables.failed_jobs),
    "scoring": QueueOwner(lambda: scoring_context.get_resources().session_factory,
                          scoring_tables.outbox, scoring_tables.failed_jobs),
    "gateway": QueueOwner(lambda: gateway_context.get_resources().session_factory,
                          gateway_tables.outbox, gateway_tables.failed_jobs),
}


def extra_test_jobs(environ: dict | None = None) -> dict[str, Callable[..., Any]]:
    """TEST HOOK: jobs of the modules named in ``COPROCURE_TEST_JOB_MODULES`` (comma list).

    The reliability suite enqueues its own fault jobs on real workers. Off unless set; never
    set it in production.
    """
    import importlib

    names = [m.strip() for m in (env("TEST_JOB_MODULES", "", environ) or "").split(",")]
    found: dict[str, Callable[..., Any]] = {}
    for module_name in filter(None, names):
        if not module_name.startswith("tests."):
            raise ValueError(f"COPROCURE_TEST_JOB_MODULES may name only tests.*: {module_name}")
        module = importlib.import_module(module_name)
        for attr, value in vars(module).items():
            if callable(value) and not attr.startswith("_") and \
                    getattr(value, "__module__", None) == module_name:
                found[f"{module_name}.{attr}"] = value
    return found


def job_registry(environ: dict | None = None) -> dict[str, Callable[..., Any]]:
    """Every job this process may run: the services' jobs, plus test jobs when configured."""
    return {**extra_test_jobs(environ), **JOBS}
