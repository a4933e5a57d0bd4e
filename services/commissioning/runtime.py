"""Process-wide resources for commissioning jobs and relays (built on first use, not at import)."""

from __future__ import annotations

from functools import lru_cache

from shared.config import load_settings
from shared.web import Resources, build_resources


@lru_cache(maxsize=1)
def settings() -> dict:
    """This process's settings for the commissioning service."""
    return load_settings("commissioning")


@lru_cache(maxsize=1)
def get_resources() -> Resources:
    """The engine, session factory and Redis URL for this process."""
    return build_resources(settings())
