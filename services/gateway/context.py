"""What a gateway use case receives: sessions, the clock and the token lifetime.

Requests build it from their app (``context_from_app``, where tests may control the clock);
the command line builds it once per process from the environment (``process_context``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy.orm import Session, sessionmaker

from services.gateway.domain.identity import DEFAULT_TOKEN_TTL_SECONDS
from services.gateway.settings import gateway_settings
from shared.config import load_settings
from shared.time import Clock, now
from shared.web import Resources, build_resources


@dataclass
class Context:
    """Dependencies of the use cases; built per request (views) or per process (commands)."""

    session_factory: sessionmaker[Session]
    clock: Clock
    token_ttl_seconds: int = DEFAULT_TOKEN_TTL_SECONDS


def context_from_app(app) -> Context:
    """The context of a Flask app (its clock may be a test's controlled clock)."""
    return Context(session_factory=app.extensions["coprocure"].session_factory,
                   clock=app.config.get("CLOCK") or now,
                   token_ttl_seconds=int(app.config["TOKEN_TTL_SECONDS"]))


@lru_cache(maxsize=1)
def settings() -> dict:
    """This process's settings for the gateway service."""
    return gateway_settings(load_settings("gateway"))


@lru_cache(maxsize=1)
def get_resources() -> Resources:
    """The engine, session factory and Redis URL for this process (built on first use)."""
    return build_resources(settings())


def process_context() -> Context:
    """The use-case context for commands: this process's resources and the real clock."""
    return Context(session_factory=get_resources().session_factory, clock=now,
                   token_ttl_seconds=int(settings()["TOKEN_TTL_SECONDS"]))


def reset() -> None:
    """Forget cached settings and resources (tests that change the environment)."""
    if get_resources.cache_info().currsize:
        get_resources().dispose()
    get_resources.cache_clear()
    settings.cache_clear()
