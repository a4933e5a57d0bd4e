"""Process-wide resources for commissioning jobs and relays (built on first use, not at import)."""

from __future__ import annotations

from functools import lru_cache

from shared.config import load_settings
from shared.web import Resources, build_resources


@lru_cache(maxsize=1)
def settings() -> dict:
    """This process's settings for the commissioning service."""
    from services.commissioning.settings import commissioning_settings

    base = load_settings("commissioning")
    base.update(commissioning_settings(base))
    return base


@lru_cache(maxsize=1)
def get_resources() -> Resources:
    """The engine, session factory and Redis URL for this process."""
    return build_resources(settings())


def get_context():
    """The use-case context for jobs: this process's resources and the real clock."""
    from services.commissioning.crypto import master_key_bytes
    from services.commissioning.service_layer.context import Context
    from services.commissioning.settings import system_clock

    res = get_resources()
    conf = settings()
    return Context(session_factory=res.session_factory, clock=system_clock,
                   periods=conf["PERIODS"], master_key=master_key_bytes(conf["MASTER_KEY"]),
                   redis=lambda: res.redis)


def reset() -> None:
    """Forget cached settings and resources (tests that change the environment)."""
    if get_resources.cache_info().currsize:
        get_resources().dispose()
    get_resources.cache_clear()
    settings.cache_clear()
