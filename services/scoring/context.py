"""What a scoring use case receives: sessions, the clock, Redis, the audit signing key.

Requests build it from their app (``context_from_app``); jobs and relays build it once per
process from the environment (``process_context``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from services.scoring.settings import scoring_settings
from shared.config import load_settings
from shared.time import Clock, now
from shared.web import ProcessResources, Resources


@dataclass
class Context:
    """Dependencies of the use cases; built per request (views) or per process (jobs)."""

    session_factory: sessionmaker[Session]
    clock: Clock
    redis: Callable[[], Redis]
    signing_key: str | None = None  # base64 Ed25519 seed for tree heads (None: dev key)
    sandbox: bool = False
    tender_wait_seconds: float = 5.0  # how long a panel call waits for a just-published tender
    score_reminder_hours: tuple[float, ...] = (72.0,)  # reminders of missing scores
    assess_processes: int = 1  # processes a close assesses its bids in
    assess_fork_from: int = 0  # bids from which a close forks them (0: never)


def context_from_app(app) -> Context:
    """The context of a Flask app (its clock may be a test's controlled clock)."""
    return _build(app.extensions["coprocure"], app.config, app.config["CLOCK"])


def _build(res: Resources, conf: Mapping[str, Any], clock: Clock) -> Context:
    """One construction for requests and processes, so the two never drift apart."""
    return Context(session_factory=res.session_factory, clock=clock, redis=lambda: res.redis,
                   signing_key=conf.get("AUDIT_SIGNING_KEY"), sandbox=bool(conf.get("SANDBOX")),
                   tender_wait_seconds=float(conf.get("TENDER_WAIT_SECONDS", 5.0)),
                   score_reminder_hours=tuple(conf.get("SCORE_REMINDER_HOURS") or (72.0,)),
                   assess_processes=int(conf.get("ASSESS_PROCESSES") or 1),
                   assess_fork_from=int(conf.get("ASSESS_FORK_FROM") or 0))


def _load_settings() -> dict:
    """This process's settings for the scoring service."""
    base = load_settings("scoring")
    base.update(scoring_settings(base))
    return base


_process = ProcessResources(_load_settings)
settings = _process.settings
get_resources = _process.resources
reset = _process.reset


def process_context() -> Context:
    """The use-case context for jobs and relays: this process's resources and the real clock."""
    return _build(get_resources(), settings(), now)
