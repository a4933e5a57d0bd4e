"""What a commissioning use case receives: sessions, the clock, periods, the master key, Redis.

Requests build it from their app (``context_from_app``, where tests may control the clock);
jobs and relays build it once per process from the environment (``process_context``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from services.commissioning.adapters.crypto import master_key_bytes
from services.commissioning.adapters.document_store import DocumentStore, store_from_settings
from services.commissioning.domain.tenders import Periods
from services.commissioning.settings import commissioning_settings
from shared.config import load_settings
from shared.time import Clock, now
from shared.web import ProcessResources, Resources


@dataclass
class Context:
    """Dependencies of the use cases; built per request (views) or per process (jobs)."""

    session_factory: sessionmaker[Session]
    clock: Clock
    periods: Periods
    master_key: bytes
    redis: Callable[[], Redis]
    sandbox: bool = False  # every reporting period open at once, so a demo runs in minutes
    documents: DocumentStore | None = None
    max_document_bytes: int = 25 * 1024 * 1024
    max_bid_documents_bytes: int = 100 * 1024 * 1024
    # A close with more opened bids than this hands them to scoring by reference (pages).
    snapshot_inline_bids: int = 200


def context_from_app(app) -> Context:
    """The context of a Flask app (its clock may be a test's controlled clock)."""
    return _build(app.extensions["coprocure"], app.config, app.config["CLOCK"])


def _build(res: Resources, conf: Mapping[str, Any], clock: Clock) -> Context:
    """One construction for requests and processes, so the two never drift apart."""
    return Context(session_factory=res.session_factory, clock=clock, periods=conf["PERIODS"],
                   master_key=master_key_bytes(conf["MASTER_KEY"]), redis=lambda: res.redis,
                   sandbox=bool(conf.get("SANDBOX")),
                   documents=store_from_settings(conf["DOCUMENT_STORE"], Path(conf["DOCUMENT_DIR"]),
                                                 res.session_factory),
                   max_document_bytes=int(conf["MAX_DOCUMENT_BYTES"]),
                   max_bid_documents_bytes=int(conf["MAX_BID_DOCUMENTS_BYTES"]),
                   snapshot_inline_bids=int(conf["SNAPSHOT_INLINE_BIDS"]))


def _load_settings() -> dict:
    """This process's settings for the commissioning service."""
    base = load_settings("commissioning")
    base.update(commissioning_settings(base))
    return base


_process = ProcessResources(_load_settings)
settings = _process.settings
get_resources = _process.resources
reset = _process.reset


def process_context() -> Context:
    """The use-case context for jobs and relays: this process's resources and the real clock."""
    return _build(get_resources(), settings(), now)
