"""Pure work spread over forked processes: a close assesses thousands of bids on every core.

The work is handed to the children by the fork itself (a module global set just before the
pool starts), so nothing but each chunk's index goes out and only results come back; the
children run pure functions and never touch the parent's database connections.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from typing import Any

_WORK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def _run(index: int) -> Any:
    fn, chunks = _WORK  # type: ignore[misc] - set by fork_map before the pool forks
    return fn(chunks[index])


def _default_signals() -> None:
    """A child must die when its pool ends it: the parent may be an in-process rq worker whose
    SIGTERM handler only asks for a warm stop, and a child keeping it would never exit."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def fork_map(fn: Callable[[Any], Any], chunks: Sequence[Any], processes: int,
             meanwhile: Callable[[], None] | None = None) -> list[Any]:
    """``[fn(c) for c in chunks]``, in up to ``processes`` forked children when there is more
    than one chunk and more than one process; in this process otherwise. ``meanwhile`` runs in
    this process while the children work (before the work when there are none)."""
    processes = min(processes, len(chunks))
    if processes <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        if meanwhile is not None:
            meanwhile()
        return [fn(chunk) for chunk in chunks]
    global _WORK
    _WORK = (fn, chunks)
    try:
        pool = multiprocessing.get_context("fork").Pool(processes, initializer=_default_signals)
        try:
            pending = pool.map_async(_run, range(len(chunks)), chunksize=1)
            if meanwhile is not None:
                meanwhile()
            results = pending.get()
            pool.close()  # the children finish their queue and exit on their own
            return results
        except BaseException:
            pool.terminate()
            raise
        finally:
            pool.join()
    finally:
        _WORK = None


def default_processes() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
