"""The `coprocure` command line: the composition root that may reach every service."""

from __future__ import annotations

import json
import signal
import sys
import time
from importlib.metadata import PackageNotFoundError, version

import click
import structlog
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError as RedisResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rich.console import Console

from shared.config import DEFAULT_PORTS, SERVICES, database_url, env, env_bool
from shared.contracts import (
    CLOSE_DUE_TENDERS,
    PUBLISH_TREE_HEAD,
    REMIND_MISSING_SCORES,
    REMIND_REPORTS,
    SEND_REMINDERS,
)
from shared.heartbeats import beat
from shared.observability import configure_logging
from shared.queue import (
    NO_FORK_QUEUES,
    QUEUES,
    JobContextWorker,
    NoForkWorker,
    Ticks,
    clean_started_registries,
    get_queue,
    queue_stats,
    redis_from_url,
    registered_job_class,
)

console = Console(stderr=True)
log = structlog.get_logger("coprocure.cli")


def say(message: str) -> None:
    """Tell the operator in a JSON log line, like every other line of a worker, scheduler or
    relay; best effort: a full or read-only log disk must not kill the process that was
    reporting (issue 14), and the logger drops what it cannot write."""
    log.warning(message)


def _tell(message: str) -> None:
    """Tell the person at `coprocure dev`'s terminal, best effort (issue 14)."""
    try:
        console.print(message)
    except (OSError, ValueError):
        pass


def package_version() -> str:
    """This installation's version, from the package metadata (pyproject.toml)."""
    try:
        return version("coprocure")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def redis_refuses_writes(exc: Exception) -> bool:
    """Redis is up but refusing writes (MISCONF: it cannot persist; READONLY: a replica):
    an outage to wait out, like a lost connection, not a bug."""
    # In a pipeline the reply is wrapped: "Command # 1 (...) of pipeline caused error: MISCONF …"
    return isinstance(exc, (RedisConnectionError, RedisTimeoutError)) or (
        isinstance(exc, RedisResponseError)
        and any(code in str(exc) for code in ("MISCONF", "READONLY", "OOM ", "LOADING")))


@click.group()
@click.version_option(package_version(), "--version", prog_name="coprocure",
                      message="%(prog)s %(version)s")
def main() -> None:
    """coprocure: outcomes-based commissioning of co-produced public services."""
    # Every process (workers, scheduler, relays too) logs JSON lines with the same processors.
    configure_logging(env("LOG_LEVEL", "INFO") or "INFO")


@main.command()
@click.option("--sandbox/--no-sandbox", default=None,
              help="Shrink minimum periods to zero (COPROCURE_SANDBOX=1).")
def dev(sandbox: bool | None) -> None:
    """Run the whole platform locally; Ctrl-C stops all of it."""
    from services.platform import Platform, Supervisor, default_root

    extra = {}
    if sandbox is not None:
        extra["COPROCURE_SANDBOX"] = "1" if sandbox else "0"
    ports = {name: int(env(f"{name.upper()}_PORT", str(port)))
             for name, port in DEFAULT_PORTS.items()}
    platform = Platform(root=default_root(), ports=ports, extra_env=extra)
    stopping = {"now": False}

    def _stop(*_):
        stopping["now"] = True

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    console.print(f"[bold]coprocure[/bold] starting (state in {platform.root})…")
    try:
        platform.start()
        console.print(f"[green]ready[/green] gateway: {platform.url()}  "
                      f"docs: {platform.url()}/docs  redis: {platform.redis_url}")
        click.echo(f"Gateway URL: {platform.url()}")
        # Supervise, as a process manager would: a dead child is restarted with backoff
        # and the rest of the platform keeps running (issue 14).
        supervisor = Supervisor(platform)
        while not stopping["now"]:
            for line in supervisor.check():
                _tell(f"supervisor: {line}")
            time.sleep(0.5)
    finally:
        console.print("stopping…")
        platform.stop()
        for sig, handler in previous.items():  # the caller's handlers, as they were
            signal.signal(sig, handler)
        console.print("stopped")


@main.command()
@click.argument("queue", type=click.Choice(QUEUES))
@click.option("--burst", is_flag=True, help="Exit when the queue is empty.")
def worker(queue: str, burst: bool) -> None:
    """Run an rq worker for one queue (JSON serializer; a fork per job but on NO_FORK_QUEUES)."""
    from rq.serializers import JSONSerializer

    from services.wiring import job_registry

    # The registry imports every job before forking, so each work horse starts warm.
    job_class = registered_job_class(job_registry())
    handlers = _failure_handlers(queue)
    conn = redis_from_url(_redis_url())
    # How often a busy worker renews its heartbeat; the janitor treats a dead worker's job as
    # abandoned when it has missed COPROCURE_ABANDON_AFTER_SECONDS of them (docs/deploy.md).
    monitoring, _ = _heartbeat_settings()
    w = None
    failures = 0
    while True:
        try:
            # Inside the try: building a worker talks to Redis too (CLIENT SETNAME).
            # Binds each job's id and originating request id to every line logged for it.
            worker_class = NoForkWorker if queue in NO_FORK_QUEUES else JobContextWorker
            w = worker_class([get_queue(queue, conn)], connection=conn,
                             serializer=JSONSerializer, exception_handlers=handlers,
                             job_monitoring_interval=monitoring, job_class=job_class)
            # With rq's scheduler: whichever of the workers and `coprocure scheduler` holds a
            # queue's scheduler lock moves its due jobs; the others take over when it lapses.
            w.work(burst=burst, with_scheduler=True, logging_level=env("LOG_LEVEL", "INFO"))
            return
        except Exception as exc:
            if not redis_refuses_writes(exc):
                raise
            if w is not None and w._stop_requested:
                return  # asked to stop (SIGTERM) and Redis went too: stopping is the answer
            # rq quits when Redis vanishes or refuses writes outside its dequeue retry loop
            # (e.g. right after a job); start a fresh worker instead, backing off, so a Redis
            # restart or a full Redis disk needs no process restart.
            failures += 1
            say(f"worker: Redis unavailable ({exc!r}); starting again")
            time.sleep(min(30.0, 2.0 ** min(failures, 5) / 2))


@main.command()
@click.option("--once", is_flag=True, help="Run one tick and exit.")
def scheduler(once: bool) -> None:
    """Janitor and sweeper: re-queue dead workers' jobs, enqueue the close sweeper."""
    from rq.scheduler import RQScheduler
    from rq.serializers import JSONSerializer

    conn = redis_from_url(_redis_url())
    # Also move due scheduled jobs (retries with backoff, deadline closes) onto their queues:
    # if the worker holding rq's scheduler lock dies, we take over when its lock lapses (61 s)
    # instead of waiting for rq's 10-minute fallback.
    rq_scheduler = RQScheduler(list(QUEUES), conn, serializer=JSONSerializer, interval=1)
    # A dead worker's job with no retries left still reaches our failed_jobs table.
    handlers = {name: _failure_handlers(name) for name in QUEUES}
    sweep_every = float(env("SWEEP_SECONDS", "1" if env_bool("SANDBOX") else "60"))
    janitor_every = float(env("JANITOR_SECONDS", "5"))
    monitoring, abandon_after = _heartbeat_settings()
    head_every = float(env("TREE_HEAD_SECONDS", "60" if env_bool("SANDBOX") else "3600"))
    # Deadline and missing-score reminders (docs/architecture.md, "Notifications").
    remind_every = float(env("REMINDER_SECONDS", "5" if env_bool("SANDBOX") else "60"))
    ticks = Ticks()
    log.info("scheduler_started", sweep_every=sweep_every, janitor_every=janitor_every,
             remind_every=remind_every)
    stop = {"now": False}
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__("now", True))
    try:
        _schedule(conn, rq_scheduler, handlers, ticks, once=once, stop=lambda: stop["now"],
                  every=(sweep_every, janitor_every, head_every, remind_every),
                  heartbeats=(monitoring, abandon_after))
    finally:
        signal.signal(signal.SIGTERM, previous)
        try:  # a restarted scheduler (or a worker) takes over now, not when the locks lapse
            rq_scheduler.release_locks()
        except (RedisConnectionError, RedisTimeoutError, RedisResponseError) as exc:
            say(f"scheduler: locks left to lapse ({exc!r})")
        log.info("scheduler_stopped")


def _schedule(conn, rq_scheduler, handlers, ticks, *, once: bool, stop, every: tuple,
              heartbeats: tuple) -> None:
    """The scheduler's loop, one tick every 0.2 s, until ``stop()`` (SIGTERM) or ``once``."""
    sweep_every, janitor_every, head_every, remind_every = every
    monitoring, abandon_after = heartbeats
    last_sweep = last_janitor = last_head = last_remind = 0.0
    while not stop():
        now = time.time()
        writable = True
        try:
            try:
                beat(conn)  # /readyz reports a scheduler that has gone quiet
            except Exception as exc:  # the beat is a write: it tells whether Redis takes them
                writable = not redis_refuses_writes(exc)
                raise
            if now - last_janitor >= janitor_every:
                clean_started_registries(conn, handlers, monitoring=monitoring,
                                         abandon_after=abandon_after)
                last_janitor = now
            if rq_scheduler.acquire_locks():
                rq_scheduler.enqueue_scheduled_jobs()
            if now - last_head >= head_every:
                slot = int(now // head_every)
                ticks.enqueue(get_queue("scoring", conn), PUBLISH_TREE_HEAD,
                              {"schema_version": 1, "slot": slot}, job_id=f"tree-head-{slot}")
                last_head = now
            if now - last_remind >= remind_every:
                slot = int(now // remind_every)
                tick = {"schema_version": 1, "slot": slot}
                ticks.enqueue(get_queue("gateway", conn), SEND_REMINDERS, tick,
                              job_id=f"remind-{slot}")
                ticks.enqueue(get_queue("scoring", conn), REMIND_MISSING_SCORES, tick,
                              job_id=f"remind-scores-{slot}")
                ticks.enqueue(get_queue("commissioning", conn), REMIND_REPORTS, tick,
                              job_id=f"remind-reports-{slot}")
                last_remind = now
        except Exception as exc:  # Redis down or refusing writes: keep ticking, it comes back
            say(f"scheduler: {exc!r}")
        if now - last_sweep >= sweep_every:
            last_sweep = now
            _sweep(conn, int(now // sweep_every), ticks, writable)
        if once:
            return
        time.sleep(0.2)


def _sweep(conn, slot: int, ticks: Ticks, writable: bool = True) -> None:
    """Enqueue the close sweeper; with Redis down, run it here against the database, so
    tenders still close on time and their TenderClosed events wait in the outbox."""
    payload = {"schema_version": 1, "slot": slot}
    if not writable:
        # MISCONF/READONLY: the last sweep queued before the refusal can never be taken, so
        # Ticks would wait for it forever; tenders must still close on time (issue 14).
        say("scheduler: Redis refuses writes; sweeping in-process")
    else:
        if not _sweep_due():
            return
        try:
            ticks.enqueue(get_queue("commissioning", conn), CLOSE_DUE_TENDERS, payload,
                          job_id=f"sweep-{slot}")
            return
        except Exception as exc:
            if not redis_refuses_writes(exc):
                say(f"scheduler: cannot enqueue the sweeper: {exc!r}")
                return
            say(f"scheduler: Redis unavailable ({exc!r}); sweeping in-process")
    from services.wiring import JOBS

    try:
        JOBS[CLOSE_DUE_TENDERS](payload)
    except Exception as exc:  # the database may be down too: the next tick retries
        say(f"scheduler: in-process sweep failed: {exc!r}")


def _sweep_due() -> bool:
    """Whether the sweeper has work (one indexed read): an idle platform then forks no job a
    second. When the database cannot answer, queue it anyway: the job retries and is recorded."""
    from services.wiring import SWEEP_DUE

    try:
        return SWEEP_DUE()
    except Exception as exc:
        say(f"scheduler: cannot tell whether anything is due: {exc!r}")
        return True


@main.command()
@click.argument("service", type=click.Choice(["commissioning", "scoring", "gateway"]))
def relay(service: str) -> None:
    """Relay the service's transactional outbox to rq until stopped."""
    from services.wiring import OWNERS
    from shared.outbox import run_relay

    owner = OWNERS[service]
    stop = {"now": False}
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__("now", True))
    log.info("relay_started", service=service)
    try:
        run_relay(owner.session_factory(), owner.outbox, redis_from_url(_redis_url()),
                  stop=lambda: stop["now"])
    finally:
        signal.signal(signal.SIGTERM, previous)


@main.group()
def db() -> None:
    """Database migrations."""


@db.command("upgrade")
@click.option("--service", type=click.Choice(SERVICES), default=None)
def db_upgrade(service: str | None) -> None:
    """Apply migrations (all services by default)."""
    from services.platform import migrations_path
    from shared.migrate import upgrade

    for name in [service] if service else SERVICES:
        upgrade(migrations_path(name), database_url(name))
        console.print(f"{name}: upgraded")


@db.command("revision")
@click.argument("service", type=click.Choice(SERVICES))
@click.option("-m", "--message", required=True)
def db_revision(service: str, message: str) -> None:
    """Autogenerate a migration for one service (against its upgraded database)."""
    from services.platform import migrations_path
    from shared.migrate import make_revision, upgrade

    upgrade(migrations_path(service), database_url(service))
    make_revision(migrations_path(service), database_url(service), message)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def queues(as_json: bool) -> None:
    """Queue depths and started, failed, scheduled counts per queue (rq's registries)."""
    from redis.exceptions import RedisError
    from rich.table import Table

    url = _redis_url()
    try:
        stats = queue_stats(redis_from_url(url))
    except RedisError as exc:
        raise click.ClickException(f"Cannot read the queues from Redis at {url}: {exc}") \
            from None
    if as_json:
        click.echo(json.dumps(stats, indent=2))
        return
    columns = ("queued", "started", "deferred", "scheduled", "failed", "finished")
    table = Table(title="Queues")
    table.add_column("queue")
    for column in columns:
        table.add_column(column, justify="right")
    for name, counts in stats.items():
        table.add_row(name, *(str(counts[c]) for c in columns))
    Console().print(table)


def _heartbeat_settings() -> tuple[int, float]:
    """A busy worker's heartbeat period and how long the janitor waits without one before it
    treats the job as abandoned (default: rq's own period + 60 s). Stops start-up when the
    wait is shorter than two heartbeats: live jobs would be re-run while still running."""
    monitoring = int(env("JOB_MONITORING_INTERVAL", "30"))
    abandon_after = float(env("ABANDON_AFTER_SECONDS", str(monitoring + 60)))
    if monitoring < 1 or abandon_after < 2 * monitoring:
        raise click.UsageError(
            "COPROCURE_ABANDON_AFTER_SECONDS must be at least twice "
            f"COPROCURE_JOB_MONITORING_INTERVAL (got {abandon_after:g} and {monitoring})")
    return monitoring, abandon_after


def _failure_handlers(queue: str) -> list:
    """rq exception handlers recording exhausted jobs in the queue's service database."""
    from services.wiring import OWNERS
    from shared.failed_jobs import exception_handler

    owner = OWNERS[queue]
    return [exception_handler(owner.session_factory, owner.failed_jobs)]


def _redis_url() -> str:
    url = env("REDIS_URL")
    if not url:
        raise click.ClickException("COPROCURE_REDIS_URL is not set (coprocure dev sets it)")
    return url


def _register_commands() -> None:
    """Every service's and tool's commands, by name (an import error here is a real error)."""
    from services.demo.command import demo
    from services.gateway.entrypoints.cli import users
    from shared.audit.verify import verify_command

    main.add_command(users, "users")
    main.add_command(demo, "demo")
    audit.add_command(verify_command, "verify")


@main.group()
def audit() -> None:
    """Audit log tools (offline verification)."""


_register_commands()


if __name__ == "__main__":
    sys.exit(main())

