"""Job functions the queue tests enqueue by dotted name."""

import os

from shared.queue import redis_from_url


def record(payload: dict) -> str:
    """Count executions in Redis so a test can see how many times a job ran."""
    conn = redis_from_url(os.environ["COPROCURE_TEST_REDIS_URL"])
    conn.incr(f"ran:{payload['key']}")
    return "ok"


def always_fails(payload: dict) -> None:
    """A job that never succeeds."""
    raise ValueError(f"boom {payload['key']}")


def sleep_then_record(payload: dict) -> str:
    """Take ``seconds`` (so a test can watch a busy worker), then count the run."""
    import time

    time.sleep(payload["seconds"])
    return record(payload)
