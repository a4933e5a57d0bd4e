"""A per-process cache of bearer token -> user, invalidated over Redis pub/sub.

Every authenticated request used to read its token from the database (a quarter of the
gateway's time). The cache keeps what that read found for a short while, and forgets it the
moment any gateway process says the user changed (a token revoked, a password changed, a user
deactivated): those use cases publish the user's id after their commit.

Why this is safe for "revoked token refused on its very next request": each request drains the
subscription (a non-blocking read of the socket, no round trip) before it trusts an entry, and
the publisher waits until Redis has written the message to every subscriber (a PING after the
PUBLISH) before the revoking request answers. Without
a live subscription (no Redis, a dropped connection) nothing is cached and every request reads
the database, as before.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog

CHANNEL = "coprocure-gw:identity-changed"
DEFAULT_TTL_SECONDS = 10.0
DEFAULT_MAX_ENTRIES = 10_000
RETRY_SECONDS = 1.0  # after a failed subscription, how long before trying again
log = structlog.get_logger("coprocure.gateway.identity_cache")


@dataclass(frozen=True)
class Entry:
    """What a token lookup found: the user (detached, read-only) and the token's expiry."""

    user: Any
    user_id: str
    expires_at: datetime
    cached_at: float


class IdentityCache:
    """Token digest -> Entry for this process; thread-safe (gunicorn's threaded workers)."""

    def __init__(self, redis: Callable[[], Any], ttl_seconds: float = DEFAULT_TTL_SECONDS,
                 max_entries: int = DEFAULT_MAX_ENTRIES,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._redis = redis
        self._ttl = ttl_seconds
        self._max = max_entries
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._pubsub = None
        self._pid = os.getpid()
        self._retry_at = 0.0
        self._subscribing = False
        # Bumped by every invalidation: a lookup that began before one must not be cached.
        self.generation = 0

    # -- reading -------------------------------------------------------------------------

    def get(self, digest: str) -> Entry | None:
        """The fresh entry for this token digest, after applying every pending invalidation."""
        self._ensure_subscribed()
        with self._lock:
            if not self._listening():
                return None
            entry = self._entries.get(digest)
            if entry is None:
                return None
            if self._monotonic() - entry.cached_at > self._ttl:
                del self._entries[digest]
                return None
            return entry

    def put(self, digest: str, user: Any, user_id: str, expires_at: datetime,
            generation: int) -> None:
        """Remember a lookup, unless an invalidation arrived since it began (``generation``)."""
        with self._lock:
            if not self._listening() or generation != self.generation:
                return
            self._entries[digest] = Entry(user, user_id, expires_at, self._monotonic())
            self._entries.move_to_end(digest)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

    # -- the subscription ----------------------------------------------------------------

    def _ensure_subscribed(self) -> None:
        """Subscribe if this process has no subscription, one thread at a time and outside the
        lock, so a slow or absent Redis never holds up the other request threads."""
        if self._pubsub is not None and self._pid == os.getpid():
            return
        with self._lock:
            if self._pid != os.getpid():  # forked: the parent's socket is not ours
                self._pubsub, self._pid = None, os.getpid()
                self._forget_all()
            if self._pubsub is not None or self._subscribing \
                    or self._monotonic() < self._retry_at:
                return
            self._subscribing = True
            self._retry_at = self._monotonic() + RETRY_SECONDS
        pubsub = None
        try:
            pubsub = self._redis().pubsub()
            pubsub.subscribe(CHANNEL)
            # Cache nothing until Redis confirms: only then are later publications ours.
            confirmed = pubsub.get_message(timeout=2)
            if not confirmed or confirmed.get("type") != "subscribe":
                raise ConnectionError("no subscription confirmation")
        except Exception as exc:
            log.warning("identity_cache.subscribe_failed", error=exc.__class__.__name__)
            if pubsub is not None:
                with contextlib.suppress(Exception):
                    pubsub.close()
            pubsub = None
        with self._lock:
            self._subscribing = False
            if pubsub is not None:
                self._pubsub = pubsub
                self._forget_all()

    def _listening(self) -> bool:
        """Apply pending invalidations (the lock held); False without a subscription."""
        if self._pubsub is None or self._pid != os.getpid():
            return False
        try:
            while True:
                message = self._pubsub.get_message(timeout=0)
                if message is None:
                    return True
                self._apply(message)
        except Exception as exc:  # connection lost: messages may have been missed
            log.warning("identity_cache.unsubscribed", error=exc.__class__.__name__)
            self._drop_subscription()
            return False

    def _drop_subscription(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        self._forget_all()
        self._retry_at = self._monotonic() + RETRY_SECONDS
        with contextlib.suppress(Exception):  # already broken; nothing more to release
            pubsub.close()

    def _apply(self, message: dict) -> None:
        if message.get("type") != "message":
            return
        data = message.get("data")
        user_id = data.decode() if isinstance(data, bytes) else str(data)
        self.generation += 1
        for digest in [d for d, e in self._entries.items() if e.user_id == user_id]:
            del self._entries[digest]

    def _forget_all(self) -> None:
        self.generation += 1
        self._entries.clear()

    def close(self) -> None:
        """Unsubscribe (tests, app teardown)."""
        with self._lock:
            if self._pubsub is not None:
                self._drop_subscription()


def publish_identity_changed(redis: Callable[[], Any], user_id: str) -> None:
    """Tell every gateway process that this user's tokens or standing changed."""
    try:
        connection = redis()
        connection.publish(CHANNEL, user_id)
        # PUBLISH's reply can reach us before Redis has written the message to every
        # subscriber (both go out in the same event-loop pass, in no set order). A second
        # round trip is answered in a later pass, after every subscriber's socket has it.
        connection.ping()
    except Exception as exc:
        # Redis down: every process's subscription is down with it, so no cache is trusted.
        log.warning("identity_cache.publish_failed", error=exc.__class__.__name__)
