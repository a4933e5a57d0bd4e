"""Commissioning settings: minimum periods, the master key and the injectable clock.

Minimum periods (days; ``COPROCURE_SANDBOX=1`` makes them all zero):

- ``COPROCURE_MIN_TENDER_PERIOD_DAYS`` (10): publish → submission deadline. The Procurement
  Act 2023 minimum for an open procedure that followed a tender notice with reduced periods.
- ``COPROCURE_MIN_CLARIFICATION_DAYS_BEFORE_DEADLINE`` (6): the clarification deadline must be
  this long before the submission deadline, so answers reach every bidder in time (PCR 2015
  reg. 53(2): additional information no later than 6 days before the deadline).
- ``COPROCURE_AMENDMENT_MIN_DAYS`` (7): an amendment made with less than this left before the
  deadline must extend the deadline (docs/architecture.md, "Minimum periods and amendments").
- ``COPROCURE_AMENDMENT_EXTENSION_DAYS`` (7): ...to at least this many days after the amendment.

Documents: ``COPROCURE_DOCUMENT_STORE`` (``files`` under ``var/``, or ``database``),
``COPROCURE_MAX_DOCUMENT_BYTES`` (25 MiB a file, shared with the gateway) and
``COPROCURE_MAX_BID_DOCUMENTS_BYTES`` (100 MiB for all of one bid's documents).

Closing: ``COPROCURE_SNAPSHOT_INLINE_BIDS`` (200): a close with more opened bids hands them to
scoring by reference (docs/architecture.md, "Events by reference"); ``0``: every close.

The standstill period is per tender (``evaluation.standstill_working_days``, default 8 working
days as in the Procurement Act 2023); the scoring service computes its end at award.
"""

from __future__ import annotations

from typing import Any

from services.commissioning.adapters.crypto import master_key_bytes
from services.commissioning.domain.tenders import Periods
from shared.config import env, env_bool, secret, var_dir, whole_number
from shared.time import now


def _days(name: str, default: str, environ: dict | None) -> float:
    raw = env(name, default, environ) or default
    value = float(raw)
    if value < 0:
        raise ValueError(f"COPROCURE_{name} must not be negative")
    return value


def periods_from_env(environ: dict | None = None, sandbox: bool | None = None) -> Periods:
    """Minimum periods from the environment (zero in sandbox)."""
    if sandbox if sandbox is not None else env_bool("SANDBOX", False, environ):
        return Periods.sandbox()
    return Periods(
        tender_period_days=_days("MIN_TENDER_PERIOD_DAYS", "10", environ),
        clarification_days_before_deadline=_days(
            "MIN_CLARIFICATION_DAYS_BEFORE_DEADLINE", "6", environ),
        amendment_min_days=_days("AMENDMENT_MIN_DAYS", "7", environ),
        amendment_extension_days=_days("AMENDMENT_EXTENSION_DAYS", "7", environ),
    )


def commissioning_settings(config: dict[str, Any]) -> dict[str, Any]:
    """Fill CLOCK, PERIODS and MASTER_KEY in a service config (explicit values win)."""
    out: dict[str, Any] = {}
    if not config.get("CLOCK"):
        out["CLOCK"] = now
    if not config.get("PERIODS"):
        out["PERIODS"] = periods_from_env(sandbox=bool(config.get("SANDBOX")))
    out["MASTER_KEY"] = config.get("MASTER_KEY") or secret("MASTER_KEY")
    # Documents (docs/architecture.md, "Documents"): where the sealed blocks live, and limits.
    out["DOCUMENT_STORE"] = config.get("DOCUMENT_STORE") or env("DOCUMENT_STORE", "files")
    if out["DOCUMENT_STORE"] not in ("files", "database"):
        raise ValueError("COPROCURE_DOCUMENT_STORE must be files or database")
    out["DOCUMENT_DIR"] = config.get("DOCUMENT_DIR") or str(var_dir())
    out["MAX_BID_DOCUMENTS_BYTES"] = int(config.get("MAX_BID_DOCUMENTS_BYTES") or env(
        "MAX_BID_DOCUMENTS_BYTES", str(100 * 1024 * 1024)))
    # A close with more opened bids than this sends them by reference (docs/architecture.md,
    # "Events by reference"); 0 sends every close by reference.
    out["SNAPSHOT_INLINE_BIDS"] = whole_number(config.get("SNAPSHOT_INLINE_BIDS"),
                                               "SNAPSHOT_INLINE_BIDS", 200)
    master_key_bytes(out["MASTER_KEY"])  # fail at start-up, not at the first bid
    return out
