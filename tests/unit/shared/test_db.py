"""shared.db.make_engine's pool on PostgreSQL, from COPROCURE_DB_POOL_SIZE (no connection is
made: the pool is built lazily)."""

import pytest
from sqlalchemy.pool import NullPool, QueuePool

from shared.db import make_engine

URL = "postgresql://nobody@127.0.0.1:1/none"


def test_the_default_pool_keeps_ten_and_opens_twenty_more(monkeypatch):
    monkeypatch.delenv("COPROCURE_DB_POOL_SIZE", raising=False)
    pool = make_engine(URL).pool
    assert isinstance(pool, QueuePool) and pool.size() == 10 and pool._max_overflow == 20


def test_the_pool_size_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("COPROCURE_DB_POOL_SIZE", "3")
    assert make_engine(URL).pool.size() == 3


def test_zero_keeps_no_connection_between_uses(monkeypatch):
    monkeypatch.setenv("COPROCURE_DB_POOL_SIZE", "0")
    assert isinstance(make_engine(URL).pool, NullPool)


@pytest.mark.parametrize("value", ["-1", "ten", "2.5"])
def test_a_pool_size_that_is_not_a_whole_number_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv("COPROCURE_DB_POOL_SIZE", value)
    with pytest.raises(RuntimeError, match="COPROCURE_DB_POOL_SIZE"):
        make_engine(URL)
