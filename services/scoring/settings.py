"""Scoring settings: the clock and the audit log's signing key.

- ``COPROCURE_AUDIT_SIGNING_KEY``: base64 Ed25519 seed signing tree heads (a per-checkout dev
  key under ``var/keys/`` when unset outside production).
- ``COPROCURE_PUBLIC_URL``: the public base URL written into exported packages.
- ``COPROCURE_SCORE_REMINDER_HOURS`` (default ``72``): hours after the bids open for scoring
  at which panel members with scores still missing are reminded (comma list, each once).
- ``COPROCURE_TENDER_WAIT_SECONDS`` (default 5): how long ``PUT /tenders/{id}/panel`` waits for
  a just-published tender to arrive from commissioning (docs/api-notes.md).

The standstill period is per tender (``evaluation.standstill_working_days``); the sandbox
setting (``COPROCURE_SANDBOX=1``) shrinks it to zero.
"""

from __future__ import annotations

from typing import Any

from shared.config import env, secret
from shared.time import now


def scoring_settings(config: dict[str, Any]) -> dict[str, Any]:
    """Fill CLOCK, AUDIT_SIGNING_KEY, PUBLIC_URL and TENDER_WAIT_SECONDS in a service config
    (explicit values win)."""
    return {"CLOCK": config.get("CLOCK") or now,
            "TENDER_WAIT_SECONDS": float(config.get("TENDER_WAIT_SECONDS")
                                         or env("TENDER_WAIT_SECONDS", "5")),
            "AUDIT_SIGNING_KEY": config.get("AUDIT_SIGNING_KEY") or secret("AUDIT_SIGNING_KEY"),
            "PUBLIC_URL": config.get("PUBLIC_URL") or env("PUBLIC_URL"),
            "SCORE_REMINDER_HOURS": config.get("SCORE_REMINDER_HOURS")
            or _hours(env("SCORE_REMINDER_HOURS", "72") or "")}


def _hours(raw: str) -> tuple[float, ...]:
    try:
        hours = tuple(float(h) for h in raw.split(",") if h.strip())
    except ValueError:
        raise RuntimeError("COPROCURE_SCORE_REMINDER_HOURS must be hours separated by commas, "
                           "e.g. '72'") from None
    if any(h <= 0 for h in hours):
        raise RuntimeError("COPROCURE_SCORE_REMINDER_HOURS: every reminder must be more than "
                           "0 hours")
    return hours
