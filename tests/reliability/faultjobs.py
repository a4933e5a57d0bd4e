"""Job functions the fault tests enqueue by dotted name (run by the platform's real workers)."""

import os

from shared.queue import redis_from_url


def fails_until_fixed(payload: dict) -> str:
    """Fail until the test sets ``coprocure-test:fixed:{key}``; count every run."""
    conn = redis_from_url(os.environ["COPROCURE_REDIS_URL"])
    key = payload["key"]
    conn.incr(f"coprocure-test:runs:{key}")
    if not conn.get(f"coprocure-test:fixed:{key}"):
        raise RuntimeError(f"not fixed yet: {key}")
    return "fixed"
