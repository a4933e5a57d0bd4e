"""The token cache (adapters/identity_cache.py) on real Redis: what it keeps, and how any
gateway process's revocation empties every other process's entry before its next request."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from services.gateway.adapters.identity_cache import IdentityCache, publish_identity_changed
from shared.waiting import wait_until
from tests.integration.gateway.conftest import NO_UPSTREAMS, bearer

EXPIRES = datetime(2030, 1, 1, tzinfo=UTC)
ME = "/api/v1/me"


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def channel(monkeypatch) -> str:
    """A channel of this test's own: parallel workers may share the Redis server."""
    name = f"test-identity-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr("services.gateway.adapters.identity_cache.CHANNEL", name)
    return name


@pytest.fixture
def caches(redis_conn, channel):
    """Two caches on one Redis, as two gateway processes would have; closed afterwards."""
    made = []

    def make(**kwargs) -> IdentityCache:
        cache = IdentityCache(lambda: redis_conn, **kwargs)
        made.append(cache)
        return cache

    yield make
    for cache in made:
        cache.close()


def cached(cache: IdentityCache, digest: str, user_id: str) -> None:
    cache.get(digest)  # a miss subscribes, as a request's lookup does
    cache.put(digest, {"id": user_id}, user_id, EXPIRES, cache.generation)


def test_a_lookup_is_kept_and_returned(caches):
    cache = caches()
    cached(cache, "d1", "usr_1")
    entry = cache.get("d1")
    assert entry is not None and entry.user == {"id": "usr_1"} and entry.expires_at == EXPIRES


def test_a_change_published_anywhere_evicts_that_users_tokens_everywhere(caches, redis_conn):
    here, there = caches(), caches()
    for cache in (here, there):
        cached(cache, "tok-a", "usr_a")
        cached(cache, "tok-a2", "usr_a")
        cached(cache, "tok-b", "usr_b")
    publish_identity_changed(lambda: redis_conn, "usr_a")
    for cache in (here, there):  # at once: the very next read applies the message
        assert cache.get("tok-a") is None and cache.get("tok-a2") is None
        assert cache.get("tok-b") is not None


def test_a_lookup_begun_before_a_change_is_not_kept(caches, redis_conn):
    cache = caches()
    cache.get("tok")
    began = cache.generation  # the database read starts here ...
    publish_identity_changed(lambda: redis_conn, "usr_other")
    cache.get("unrelated")  # ... another request applies a change meanwhile ...
    cache.put("tok", {"id": "usr_1"}, "usr_1", EXPIRES, began)  # ... so the read may be stale
    assert cache.get("tok") is None


def test_entries_age_out_and_the_cache_is_bounded(caches):
    ticks = Ticks()
    cache = caches(ttl_seconds=5, max_entries=3, monotonic=ticks)
    cached(cache, "old", "usr_0")
    ticks.now += 6
    assert cache.get("old") is None
    for n in range(5):
        cached(cache, f"t{n}", f"usr_{n}")
    assert len(cache) == 3
    assert cache.get("t0") is None and cache.get("t4") is not None


def test_nothing_is_cached_without_redis(channel):
    def no_redis():
        raise ConnectionError("Redis is down")

    cache = IdentityCache(no_redis)
    cache.get("tok")
    cache.put("tok", {"id": "usr_1"}, "usr_1", EXPIRES, cache.generation)
    assert cache.get("tok") is None and len(cache) == 0


def test_a_lost_subscription_empties_the_cache_and_is_renewed(caches, redis_url, redis_conn):
    from shared.queue import redis_from_url

    ticks = Ticks()
    name = f"idcache-{uuid.uuid4().hex[:8]}"
    own = redis_from_url(redis_url)
    own.connection_pool.connection_kwargs["client_name"] = name
    cache = IdentityCache(lambda: own, monotonic=ticks)
    try:
        cached(cache, "tok", "usr_1")
        # Messages sent while disconnected are lost: nothing cached before may be trusted.
        # Only this cache's connection is cut: the Redis may be shared with other tests.
        (victim,) = [c for c in redis_conn.client_list()
                     if c.get("name") == name and "P" in c.get("flags", "")]
        redis_conn.client_kill_filter(_id=victim["id"])
        assert cache.get("tok") is None and len(cache) == 0
        ticks.now += 2  # past the retry pause: the next lookup subscribes again
        cached(cache, "tok", "usr_1")
        assert cache.get("tok") is not None
        publish_identity_changed(lambda: redis_conn, "usr_1")
        assert cache.get("tok") is None
    finally:
        cache.close()
        own.close()


def test_a_revocation_in_one_gateway_process_refuses_the_token_in_another(make_app, make_user,
                                                                           channel):
    """Two apps stand for two gunicorn workers: the token is cached in the second, revoked
    through the first, and refused by the second on its very next request."""
    first = make_app("gateway", UPSTREAMS=NO_UPSTREAMS).test_client()
    second = make_app("gateway", UPSTREAMS=NO_UPSTREAMS).test_client()
    user = make_user("bidder")
    headers = bearer(first, user)
    for _ in range(3):
        assert second.get(ME, headers=headers).status_code == 200
    assert len(second.application.extensions["coprocure_identity_cache"]) == 1
    assert first.post("/api/v1/auth/revoke", headers=headers).status_code == 204
    assert second.get(ME, headers=headers).status_code == 401


@pytest.mark.parametrize("cache_seconds", [0, 0.5])
def test_a_password_changed_in_the_database_ends_older_tokens(make_app, make_user, channel,
                                                              cache_seconds):
    """No API involved: an operator resets the hash with an UPDATE (issue 14, item 5). Such a
    change publishes nothing: with the cache off the very next request is refused, with it on
    once the entry ages out (IDENTITY_CACHE_SECONDS; docs/architecture.md, "Security rules")."""
    from sqlalchemy import update

    from services.gateway.adapters import passwords
    from services.gateway.adapters.tables import User
    from services.gateway.context import context_from_app

    new = "a different long passphrase"
    app = make_app("gateway", IDENTITY_CACHE_SECONDS=cache_seconds, UPSTREAMS=NO_UPSTREAMS)
    client = app.test_client()
    user = make_user("bidder")
    headers = bearer(client, user)
    assert client.get(ME, headers=headers).status_code == 200
    with context_from_app(app).session_factory.begin() as session:
        session.execute(update(User).where(User.id == user["id"]).values(
            password_hash=passwords.hash_password(new)))
    if cache_seconds == 0:
        assert client.get(ME, headers=headers).status_code == 401
    else:
        wait_until(lambda: client.get(ME, headers=headers).status_code == 401, timeout=10,
                   interval=0.1)
    assert client.get(ME, headers=bearer(client, {**user, "password": new})).status_code == 200


def test_a_signed_in_request_costs_one_redis_round_trip_and_no_database_read(
        make_app, make_user, channel, monkeypatch):
    """With the token cached, a request's own Redis work is its rate-limit counter (one script
    call, one round trip); the database is not read at all."""
    from redis.connection import AbstractConnection
    from sqlalchemy import event

    app = make_app("gateway", UPSTREAMS=NO_UPSTREAMS)
    client = app.test_client()
    user = make_user("bidder")
    headers = bearer(client, user)
    assert client.get(ME, headers=headers).status_code == 200  # warm: cached, script loaded
    sent, statements = [], []
    send = AbstractConnection.send_packed_command

    def counted(self, command, check_health=True):
        sent.append(command)
        return send(self, command, check_health)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    event.listen(app.extensions["coprocure"].engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))
    for _ in range(5):
        assert client.get(ME, headers=headers).status_code == 200
    assert len(sent) == 5 and all(b"EVALSHA" in bytes(c[0] if isinstance(c, list) else c)
                                  for c in sent)
    assert statements == []
