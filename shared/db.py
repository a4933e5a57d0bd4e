"""Database engine, session and unit-of-work helpers shared by every service."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import DateTime, MetaData, TypeDecorator, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from shared.config import whole_number

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes with microseconds, on SQLite (stored naive UTC) and PostgreSQL.

    A naive value is taken as UTC. SQLite compares timestamps as text, so they are stored
    naive there: one format, which sorts by time.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_metadata() -> MetaData:
    """A MetaData with the project's constraint naming convention."""
    return MetaData(naming_convention=NAMING_CONVENTION)


def is_sqlite(url: str) -> bool:
    """True for SQLite URLs."""
    return url.startswith("sqlite")


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine: SQLite with WAL and a busy timeout, PostgreSQL with pre-ping."""
    url = normalise_url(url)
    if is_sqlite(url):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            # Take the write lock at BEGIN so concurrent writers queue on busy_timeout
            # instead of failing with "database is locked" on lock upgrade.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # pragma: no cover - trivial
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # Without a connect timeout a database host that accepts but never answers (a hung server,
    # a half-open network path) holds every request until the OS gives up, minutes later.
    connect_args = dict(kwargs.pop("connect_args", {}) or {})
    connect_args.setdefault("connect_timeout", 5)
    kwargs["connect_args"] = connect_args
    kwargs.setdefault("pool_pre_ping", True)
    # Connections a process keeps open between uses (COPROCURE_DB_POOL_SIZE); busier moments
    # open up to 20 more, closed again once returned. 0: none kept, a connection per use (behind
    # a pooler such as PgBouncer, or many small platforms sharing one server, as the tests do).
    keep = whole_number(None, "DB_POOL_SIZE", 10)
    if keep == 0 and "poolclass" not in kwargs:
        return create_engine(url, poolclass=NullPool, **kwargs)
    kwargs.setdefault("pool_size", keep)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to the engine; objects stay usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


def ping(engine: Engine) -> None:
    """Raise if the database does not answer ``SELECT 1``."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


class UnitOfWork:
    """A transaction boundary: commit on success, roll back on any exception."""

    def __init__(self, session_factory: Callable[[], Session]):
        self._session_factory = session_factory
        self.session: Session | None = None

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self.session is not None
        try:
            if exc_type is not None:
                self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        """Commit the transaction."""
        assert self.session is not None
        self.session.commit()

    def rollback(self) -> None:
        """Roll back the transaction."""
        assert self.session is not None
        self.session.rollback()


@contextmanager
def transaction(session_factory: Callable[[], Session]) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with UnitOfWork(session_factory) as uow:
        yield uow.session
        uow.commit()
