"""Waiting for something that happens in another process: one poller for the tests and the
demo (a client of the public API that waits for the queue like any integrator)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(check: Callable[[], T], timeout: float = 60.0, interval: float = 0.25,
               what: str = "the condition") -> T:
    """Call ``check`` every ``interval`` seconds until it returns something truthy, and return
    that. After ``timeout`` seconds raise ``TimeoutError`` naming ``what`` and the last value.
    Exceptions from ``check`` are not swallowed: a check that cannot run is a failure."""
    deadline = time.monotonic() + timeout
    while True:
        last = check()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout:g} s waiting for {what} "
                               f"(last: {last!r})")
        time.sleep(interval)
