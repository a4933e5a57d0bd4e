"""What a gateway use case receives: sessions, the clock, the token lifetime and Redis.

Requests build it from their app (``context_from_app``, where tests may control the clock);
the command line builds it once per process from the environment (``process_context``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from services.gateway.adapters.identity_cache import IdentityCache, publish_identity_changed
from services.gateway.domain.identity import DEFAULT_TOKEN_TTL_SECONDS
from services.gateway.settings import gateway_settings
from shared.config import load_settings
from shared.errors import Unavailable
from shared.time import Clock, now
from shared.web import ProcessResources


def _no_redis() -> Redis:
    raise Unavailable("Redis is not configured")


@dataclass
class Context:
    """Dependencies of the use cases; built per request (views) or per process (commands)."""

    session_factory: sessionmaker[Session]
    clock: Clock
    token_ttl_seconds: int = DEFAULT_TOKEN_TTL_SECONDS
    # A getter, not a client: Redis is connected on first use, and only the admin views need it.
    redis: Callable[[], Redis] = _no_redis
    # Notifications: MAIL, MAIL_FROM, PUBLIC_URL, DEADLINE_REMINDER_HOURS (settings.py).
    mail: dict[str, Any] = field(default_factory=dict)
    # This process's token -> user cache (None: every request reads the database).
    identity_cache: IdentityCache | None = None

    def identity_changed(self, user_id: str) -> None:
        """After a commit that revokes tokens or changes a user's standing: every gateway
        process forgets what it cached for this user."""
        publish_identity_changed(self.redis, user_id)


def _mail(config) -> dict[str, Any]:
    keys = ("MAIL", "MAIL_FROM", "PUBLIC_URL", "DEADLINE_REMINDER_HOURS")
    return {k: config[k] for k in keys if k in config}


def context_from_app(app) -> Context:
    """The context of a Flask app (its clock may be a test's controlled clock)."""
    res = app.extensions["coprocure"]
    return Context(session_factory=res.session_factory, clock=app.config.get("CLOCK") or now,
                   token_ttl_seconds=int(app.config["TOKEN_TTL_SECONDS"]),
                   redis=lambda: res.redis, mail=_mail(app.config),
                   identity_cache=app.extensions.get("coprocure_identity_cache"))


def _load_settings() -> dict:
    """This process's settings for the gateway service."""
    return gateway_settings(load_settings("gateway"))


_process = ProcessResources(_load_settings)
settings = _process.settings
get_resources = _process.resources
reset = _process.reset


def process_context() -> Context:
    """The use-case context for commands: this process's resources and the real clock."""
    res = get_resources()
    return Context(session_factory=res.session_factory, clock=now,
                   token_ttl_seconds=int(settings()["TOKEN_TTL_SECONDS"]),
                   redis=lambda: res.redis, mail=_mail(settings()))
