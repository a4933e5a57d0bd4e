"""Shared helpers for the audit-core tests."""

from __future__ import annotations

from shared.canonical import sha256_hex


def make_entry(seq: int) -> dict:
    """A plausible audit entry; every third one is an individual score."""
    entry = {
        "seq": seq,
        "event_type": "bids.opened" if seq == 0 else "score.recorded",
        "tender_id": "7d0c2f0e-0000-4000-8000-000000000001",
        "object_type": "bid",
        "object_id": f"bid-{seq % 5}",
        "actor_id": "evaluator-\u00e9l\u00e8ne",
        "actor_role": "evaluator",
        "occurred_at": f"2025-03-01T10:{seq % 60:02d}:00Z",
        "request_id": f"req-{seq}",
        "payload_sha256": sha256_hex(f"payload {seq}".encode()),
    }
    if seq % 3 == 0:
        entry.update(
            model_version="weighted-v1",
            inputs_sha256=sha256_hex(b"inputs"),
            score=seq % 11 + 0.5,
            evaluator_id="evaluator-1",
        )
    return entry
