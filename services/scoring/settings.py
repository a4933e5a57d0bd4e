"""Scoring settings: the clock and the audit log's signing key.

- ``COPROCURE_AUDIT_SIGNING_KEY``: base64 Ed25519 seed signing tree heads (a per-checkout dev
  key under ``var/keys/`` when unset outside production).
- ``COPROCURE_PUBLIC_URL``: the public base URL written into exported packages (default: the
  local gateway's address, ``http://127.0.0.1:<COPROCURE_GATEWAY_PORT>``).
- ``COPROCURE_OCDS_*``: the OCDS publisher's details (``ocds_publication``; docs/deploy.md,
  "OCDS publication").
- ``COPROCURE_SCORE_REMINDER_HOURS`` (default ``72``): hours after the bids open for scoring
  at which panel members with scores still missing are reminded (comma list, each once).
- ``COPROCURE_TENDER_WAIT_SECONDS`` (default 5): how long ``PUT /tenders/{id}/panel`` waits for
  a just-published tender to arrive from commissioning (docs/api-notes.md).
- ``COPROCURE_ASSESS_PROCESSES`` (default: the cores this process may use) and
  ``COPROCURE_ASSESS_FORK_FROM`` (default 2000): a close with that many bids or more assesses
  them in that many forked processes (the result is the same; ``0`` never forks).

The standstill period is per tender (``evaluation.standstill_working_days``); the sandbox
setting (``COPROCURE_SANDBOX=1``) shrinks it to zero.
"""

from __future__ import annotations

import re
from typing import Any

from services.scoring.adapters.processes import default_processes
from services.scoring.domain.ocds_publication import (
    OPEN_GOVERNMENT_LICENCE,
    SANDBOX_OCID_PREFIX,
    Publication,
)
from shared.config import env, public_url, secret, whole_number
from shared.time import now


def scoring_settings(config: dict[str, Any]) -> dict[str, Any]:
    """Fill CLOCK, AUDIT_SIGNING_KEY, PUBLIC_URL and TENDER_WAIT_SECONDS in a service config
    (explicit values win)."""
    return {"CLOCK": config.get("CLOCK") or now,
            "TENDER_WAIT_SECONDS": float(config.get("TENDER_WAIT_SECONDS")
                                         or env("TENDER_WAIT_SECONDS", "5")),
            "AUDIT_SIGNING_KEY": config.get("AUDIT_SIGNING_KEY") or secret("AUDIT_SIGNING_KEY"),
            "PUBLIC_URL": config.get("PUBLIC_URL") or public_url(),
            "OCDS_PUBLICATION": config.get("OCDS_PUBLICATION")
            or ocds_publication(config.get("PUBLIC_URL") or public_url()),
            "SCORE_REMINDER_HOURS": config.get("SCORE_REMINDER_HOURS")
            or _hours(env("SCORE_REMINDER_HOURS", "72") or ""),
            "ASSESS_PROCESSES": whole_number(config.get("ASSESS_PROCESSES"),
                                             "ASSESS_PROCESSES", default_processes()),
            "ASSESS_FORK_FROM": whole_number(config.get("ASSESS_FORK_FROM"),
                                             "ASSESS_FORK_FROM", 2000)}


def ocds_publication(base: str) -> Publication:
    """Who publishes the OCDS packages, from ``COPROCURE_OCDS_*`` (sandbox defaults): the ocid
    prefix (register one with the Open Contracting Partnership before publishing for real),
    the publisher's name, organisation identifier scheme and id, and web page, the data's
    licence (the Open Government Licence v3.0) and the publication policy's URL."""
    prefix = env("OCDS_OCID_PREFIX") or SANDBOX_OCID_PREFIX
    if not re.fullmatch(r"ocds-[a-z0-9]+", prefix):
        raise RuntimeError("COPROCURE_OCDS_OCID_PREFIX must be an ocid prefix such as "
                           f"'ocds-a1b2c3' (it is {prefix!r})")
    return Publication(
        public_url=base, ocid_prefix=prefix,
        publisher_name=env("OCDS_PUBLISHER_NAME") or "coprocure",
        publisher_scheme=env("OCDS_PUBLISHER_SCHEME") or None,
        publisher_uid=env("OCDS_PUBLISHER_UID") or None,
        publisher_uri=env("OCDS_PUBLISHER_URI") or None,
        license=env("OCDS_LICENSE") or OPEN_GOVERNMENT_LICENCE,
        publication_policy=env("OCDS_PUBLICATION_POLICY") or None)


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
