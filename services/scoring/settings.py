"""Scoring settings: the clock and the audit log's signing key.

- ``COPROCURE_AUDIT_SIGNING_KEY``: base64 Ed25519 seed signing tree heads (a per-checkout dev
  key under ``var/keys/`` when unset outside production).
- ``COPROCURE_PUBLIC_URL``: the public base URL written into exported packages.

The standstill period is per tender (``evaluation.standstill_working_days``); the sandbox
setting (``COPROCURE_SANDBOX=1``) shrinks it to zero.
"""

from __future__ import annotations

from typing import Any

from shared.config import env, secret
from shared.time import now


def scoring_settings(config: dict[str, Any]) -> dict[str, Any]:
    """Fill CLOCK, AUDIT_SIGNING_KEY and PUBLIC_URL in a service config (explicit values win)."""
    return {"CLOCK": config.get("CLOCK") or now,
            "AUDIT_SIGNING_KEY": config.get("AUDIT_SIGNING_KEY") or secret("AUDIT_SIGNING_KEY"),
            "PUBLIC_URL": config.get("PUBLIC_URL") or env("PUBLIC_URL")}
