"""Sessions for hot reads that need no transaction."""

from __future__ import annotations

import weakref

from sqlalchemy.orm import Session, sessionmaker

# Per engine, its autocommit twin (sharing the pool), made on first use.
_autocommit_engines: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def single_read(factory: sessionmaker[Session]) -> Session:
    """A session for one read that needs no transaction: on PostgreSQL it runs in autocommit,
    saving the BEGIN and ROLLBACK round trips on every authenticated request."""
    bind = factory.kw.get("bind")
    if bind is None or bind.dialect.name != "postgresql":
        return factory()
    reader = _autocommit_engines.get(bind)
    if reader is None:
        reader = _autocommit_engines[bind] = bind.execution_options(isolation_level="AUTOCOMMIT")
    return factory(bind=reader)
