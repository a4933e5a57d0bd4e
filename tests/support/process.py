"""What a test may not leave behind in the pytest process: signal handlers, the environment, the
working directory. tests/conftest.py compares them around every test."""

from __future__ import annotations

import os
import signal
from typing import Any

GUARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM)
UNGUARDED_ENV = {"PYTEST_CURRENT_TEST"}  # pytest's own, set per phase


def process_state() -> dict[str, Any]:
    """The SIGINT/SIGTERM handlers, the environment (but pytest's own variable) and the cwd."""
    return {"signals": {sig: signal.getsignal(sig) for sig in GUARDED_SIGNALS},
            "environ": {k: v for k, v in os.environ.items() if k not in UNGUARDED_ENV},
            "cwd": os.getcwd()}


def process_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Each difference, named with the way to avoid it."""
    out = []
    for sig, handler in before["signals"].items():
        if after["signals"][sig] is not handler:
            out.append(f"{signal.Signals(sig).name} handler {handler!r} -> "
                       f"{after['signals'][sig]!r} (put it back; in-process rq workers: "
                       f"tests.support.workers.run_burst)")
    env_before, env_after = before["environ"], after["environ"]
    for name in sorted(env_before.keys() | env_after.keys()):
        if env_before.get(name) != env_after.get(name):
            was, now = env_before.get(name), env_after.get(name)
            what = ("added" if was is None else "removed" if now is None else "changed")
            out.append(f"os.environ[{name!r}] {what} (use monkeypatch.setenv/delenv)")
    if before["cwd"] != after["cwd"]:
        out.append(f"cwd {before['cwd']} -> {after['cwd']} (use monkeypatch.chdir)")
    return out


def restore_process_state(state: dict[str, Any]) -> None:
    """Put the handlers, the environment and the cwd back as they were."""
    for sig, handler in state["signals"].items():
        signal.signal(sig, handler)
    for name in set(os.environ) - set(state["environ"]) - UNGUARDED_ENV:
        del os.environ[name]
    os.environ.update(state["environ"])
    os.chdir(state["cwd"])
