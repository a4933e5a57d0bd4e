"""Fault-injection pause points: a TEST HOOK for the reliability suite, disabled by default.

``pause_point(name)`` does nothing unless ``COPROCURE_FAULT_PAUSE`` names it, e.g.
``COPROCURE_FAULT_PAUSE=assess_tender:30,run_scoring:30``: the job then sleeps that many seconds
at the point, so a test can kill its process (or stop Redis, or send SIGTERM) at a known moment.
Before sleeping it writes ``{COPROCURE_FAULT_DIR}/{name}-{job_id}.pid`` (default folder
``{COPROCURE_VAR_DIR}/faults``) holding the pausing process id. A job pauses once per job id:
a retry finds the file and runs straight through. Never set these variables in production.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from shared.config import env, var_dir

PAUSE_VAR = "COPROCURE_FAULT_PAUSE"


def _pauses() -> dict[str, float]:
    spec = os.environ.get(PAUSE_VAR, "")
    pauses = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, _, seconds = item.partition(":")
        try:
            pauses[name] = float(seconds or "30")
        except ValueError:
            continue
    return pauses


def fault_dir() -> Path:
    """Where pause points leave their markers."""
    configured = env("FAULT_DIR")
    return Path(configured) if configured else var_dir() / "faults"


def _job_id() -> str:
    try:
        from rq import get_current_job

        job = get_current_job()
    except Exception:  # outside a worker (or no Redis): still pausable
        job = None
    return job.id if job is not None else "nojob"


def marker(name: str, job_id: str) -> Path:
    """The marker file a pause point writes for one job."""
    return fault_dir() / f"{name}-{job_id}.pid"


def pause_point(name: str) -> None:
    """Sleep here once per job if ``COPROCURE_FAULT_PAUSE`` names this point (test hook)."""
    seconds = _pauses().get(name)
    if seconds is None:
        return
    path = marker(name, _job_id())
    if path.exists():
        return  # this job already paused here once: a retry runs straight through
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(str(os.getpid()))
    tmp.replace(path)  # atomic: a reader never sees a half-written pid
    time.sleep(seconds)
