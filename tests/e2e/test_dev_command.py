"""`coprocure dev` on a fresh laptop: embedded Redis, SQLite under var/, ready, then Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from services.platform import free_port

pytestmark = pytest.mark.e2e


def _descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (read from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_dev_starts_everything_and_ctrl_c_stops_all_of_it(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not (k.startswith("COPROCURE_") and k.endswith(("_URL", "_DATABASE_URL")))}
    ports = {name: free_port() for name in ("gateway", "commissioning", "scoring")}
    env.update({"COPROCURE_VAR_DIR": str(tmp_path / "var"), "COLUMNS": "200",
                **{f"COPROCURE_{n.upper()}_PORT": str(p) for n, p in ports.items()}})
    started = time.monotonic()
    dev = subprocess.Popen([sys.executable, "-m", "services.cli", "dev", "--sandbox"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = None
        for line in dev.stdout:
            if line.startswith("Gateway URL: "):
                url = line.split(": ", 1)[1].strip()
                break
        assert url == f"http://127.0.0.1:{ports['gateway']}", url
        ready = httpx.get(url + "/readyz", timeout=10)
        assert ready.status_code == 200, ready.text
        assert set(ready.json()["checks"]) >= {"database", "redis", "commissioning", "scoring"}
        assert time.monotonic() - started < 60  # "healthy within a minute"
        assert (tmp_path / "var" / "commissioning.db").exists()  # SQLite under var/
        family = _descendants(dev.pid)
        assert len(family) >= 8  # redis, 3 gunicorn masters (+ workers), 2 workers, ...

        dev.send_signal(signal.SIGINT)
        assert dev.wait(timeout=60) == 0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in family):
            time.sleep(0.2)
        assert [p for p in family if _alive(p)] == []
        with pytest.raises(httpx.ConnectError):
            httpx.get(url + "/healthz", timeout=2)
    finally:
        if dev.poll() is None:
            dev.kill()
