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


def _pids_running(argv_tail: list[str], var_dir: Path) -> list[int]:
    """Pids whose command line ends with these words and whose var dir is ours."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")[:-1]
            environ = (cmdline.parent / "environ").read_bytes()
        except OSError:
            continue
        words = [a.decode(errors="replace") for a in args]
        if words[-len(argv_tail):] == argv_tail and \
                f"COPROCURE_VAR_DIR={var_dir}".encode() in environ.split(b"\0") and \
                _alive(int(cmdline.parent.name)):
            found.append(int(cmdline.parent.name))
    return found


def test_dev_restarts_a_killed_scheduler_and_keeps_running(tmp_path):
    """A killed child is restarted with backoff and says so; the platform keeps serving."""
    env = {k: v for k, v in os.environ.items()
           if not (k.startswith("COPROCURE_") and k.endswith(("_URL", "_DATABASE_URL")))}
    ports = {name: free_port() for name in ("gateway", "commissioning", "scoring")}
    var = tmp_path / "var"
    env.update({"COPROCURE_VAR_DIR": str(var), "COLUMNS": "200",
                **{f"COPROCURE_{n.upper()}_PORT": str(p) for n, p in ports.items()}})
    dev = subprocess.Popen([sys.executable, "-m", "services.cli", "dev", "--sandbox"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in dev.stdout:
            if line.startswith("Gateway URL: "):
                url = line.split(": ", 1)[1].strip()
                break
        (first,) = _pids_running(["services.cli", "scheduler"], var)
        os.kill(first, signal.SIGKILL)
        said = []
        for line in dev.stdout:
            said.append(line)
            if "scheduler restarted" in line:
                break
        assert dev.poll() is None, "".join(said)
        assert any("scheduler exited (-9); restarting in" in line for line in said), said
        # The supervisor has started a new scheduler; under a loaded machine it may be that one
        # or, had it died at start, the next restart. Either way a new one must be running.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            running = _pids_running(["services.cli", "scheduler"], var)
            if running and first not in running:
                break
            time.sleep(0.2)
        log = var / "logs" / "scheduler.log"
        assert len(running) == 1 and running[0] != first, \
            (running, log.read_text()[-4000:] if log.exists() else "no scheduler log")
        assert httpx.get(url + "/api/v1/tenders", timeout=10).status_code == 200
        # /readyz of commissioning reports the scheduler's heartbeat once the new one ticks.
        commissioning = f"http://127.0.0.1:{ports['commissioning']}/readyz"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            processes = httpx.get(commissioning, timeout=10).json()["checks"]["processes"]
            if processes["scheduler"] == "ok" and processes["worker-commissioning"] == "ok":
                break
            time.sleep(0.5)
        assert processes == {"scheduler": "ok", "worker-commissioning": "ok"}, processes
        dev.send_signal(signal.SIGINT)
        assert dev.wait(timeout=60) == 0
    finally:
        if dev.poll() is None:
            dev.kill()
            dev.wait(30)
