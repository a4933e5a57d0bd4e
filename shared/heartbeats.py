"""Heartbeats of the background processes, so /readyz can say when one has gone quiet.

The scheduler writes its own key every tick; workers are rq's, whose registrations carry a
last heartbeat. A quiet process is *reported* in /readyz (under ``processes``), not counted as
unready: the HTTP service itself still answers, and taking it out of the load balancer would
not bring the scheduler back (issue 14; docs/deploy.md, "Health").
"""

from __future__ import annotations

import time
from datetime import UTC
from typing import Any

from redis import Redis

SCHEDULER_KEY = "coprocure:heartbeat:scheduler"
# The scheduler ticks five times a second; rq workers beat at least every 30 s by default.
STALE_AFTER_SECONDS = {"scheduler": 30.0, "worker": 120.0}


def beat(conn: Redis, key: str = SCHEDULER_KEY) -> None:
    """Record that the process is alive now (an hour's TTL: a dead one's key goes too)."""
    conn.set(key, f"{time.time():.3f}", ex=3600)


def _age(last: float | None, now: float) -> float | None:
    return None if last is None else max(0.0, now - last)


def _verdict(kind: str, age: float | None) -> str:
    if age is None:
        return "missing: no heartbeat"
    if age > STALE_AFTER_SECONDS[kind]:
        return f"stale: last heartbeat {age:.0f} s ago"
    return "ok"


def process_report(conn: Redis, queue: str, now: float | None = None) -> dict[str, Any]:
    """``{"scheduler": "ok" | "stale: …" | "missing: …", "worker-<queue>": …}``."""
    from rq import Worker

    now = time.time() if now is None else now
    raw = conn.get(SCHEDULER_KEY)
    report = {"scheduler": _verdict("scheduler", _age(float(raw) if raw else None, now))}
    beats = []
    for worker in Worker.all(connection=conn):
        if queue in worker.queue_names() and worker.last_heartbeat is not None:
            beat_at = worker.last_heartbeat
            if beat_at.tzinfo is None:
                beat_at = beat_at.replace(tzinfo=UTC)
            beats.append(beat_at.timestamp())
    report[f"worker-{queue}"] = _verdict("worker", _age(max(beats) if beats else None, now))
    return report

