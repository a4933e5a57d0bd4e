"""Shared bench helpers: percentiles, figure printing, own PostgreSQL databases, the platform."""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BASE = "postgresql://postgres@127.0.0.1:5432"
REDIS_DB = 12
DB_PREFIX = "bench"


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100) of a non-empty sequence."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary_ms(latencies_s: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/max/mean of latencies given in seconds, as milliseconds."""
    if not latencies_s:
        return {"n": 0}
    return {
        "n": len(latencies_s),
        "p50_ms": round(percentile(latencies_s, 50) * 1e3, 3),
        "p95_ms": round(percentile(latencies_s, 95) * 1e3, 3),
        "p99_ms": round(percentile(latencies_s, 99) * 1e3, 3),
        "max_ms": round(max(latencies_s) * 1e3, 3),
        "mean_ms": round(statistics.fmean(latencies_s) * 1e3, 3),
    }


def peak_rss_mb() -> float:
    """This process's peak resident set size in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Report:
    """Figures of one bench, printed as they are measured and dumped as JSON at the end."""

    name: str
    figures: dict[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def add(self, key: str, value: Any, unit: str = "") -> Any:
        """Record and print one figure."""
        self.figures[key] = value
        shown = json.dumps(value) if isinstance(value, dict | list) else value
        print(f"  {self.name}.{key} = {shown}{(' ' + unit) if unit else ''}", flush=True)
        return value

    def note(self, text: str) -> None:
        """Print a progress line."""
        print(f"[{self.name} {time.monotonic() - self.started:7.1f}s] {text}", flush=True)

    def __post_init__(self) -> None:
        self.figures["loadavg_start"] = [round(x, 2) for x in os.getloadavg()]

    def dump(self, path: str | None) -> None:
        """Append the figures as one JSON line to ``path`` (if given)."""
        self.figures["elapsed_s"] = round(time.monotonic() - self.started, 1)
        self.figures["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        print(f"  {self.name}: {self.figures['elapsed_s']}s, load average "
              f"{self.figures['loadavg_start']} -> {self.figures['loadavg_end']}", flush=True)
        if path:
            with open(path, "a", encoding="utf-8") as out:
                out.write(json.dumps({"bench": self.name, **self.figures}) + "\n")


def recreate_database(name: str) -> str:
    """Drop and create a PostgreSQL database of ours; return its URL."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_BASE}/{name}"


def flush_redis_db(url: str) -> None:
    """Empty our own Redis database (never FLUSHALL)."""
    from shared.queue import redis_from_url

    redis_from_url(url).flushdb()


def platform_env(redis_db: int = REDIS_DB, prefix: str = DB_PREFIX,
                 extra: dict[str, str] | None = None) -> dict[str, str]:
    """Fresh PostgreSQL databases and an empty Redis db for the platform; its extra_env."""
    redis_url = f"redis://127.0.0.1:6379/{redis_db}"
    flush_redis_db(redis_url)
    environ = {"COPROCURE_REDIS_URL": redis_url, "COPROCURE_LOG_LEVEL": "WARNING"}
    for service in ("gateway", "commissioning", "scoring"):
        environ[f"COPROCURE_{service.upper()}_DATABASE_URL"] = \
            recreate_database(f"{prefix}_{service}")
    environ.update(extra or {})
    return environ


@contextmanager
def running_platform(extra_env: dict[str, str], gunicorn_workers: int = 2,
                     root: Path | None = None) -> Iterator[Any]:
    """Start the whole platform as real processes on free ports; stop it afterwards."""
    from services.platform import Platform, free_port

    root = root or Path(tempfile.mkdtemp(prefix="coprocure-bench-"))
    ports = {s: free_port() for s in ("gateway", "commissioning", "scoring")}
    plat = Platform(root=root, ports=ports, extra_env=extra_env,
                    gunicorn_workers=gunicorn_workers)
    try:
        plat.start()
        yield plat
    finally:
        plat.stop()


def assertion_key(extra_env: dict[str, str], root: Path) -> str:
    """The key the platform signs identity assertions with (env or the dev key file)."""
    from shared.config import secret

    environ = dict(os.environ)
    environ.update(extra_env)
    environ["COPROCURE_VAR_DIR"] = str(root)
    return secret("assertion_key", environ=environ)


def header(title: str) -> None:
    """Print a section header."""
    print(f"\n=== {title} ===", flush=True)
    sys.stdout.flush()
