"""Gateway settings: token lifetime, rate limits, upstream timeouts, trusted hosts.

Each comes from ``COPROCURE_<NAME>``; explicit config passed to ``create_app`` wins.
"""

from __future__ import annotations

from typing import Any

from services.gateway.domain.identity import DEFAULT_TOKEN_TTL_SECONDS
from shared.config import env


def gateway_settings(config: dict[str, Any] | None) -> dict[str, Any]:
    """The gateway's own settings from ``COPROCURE_*``, then explicit overrides."""
    hosts = env("ALLOWED_HOSTS", "localhost,127.0.0.1,::1,gateway") or ""
    settings: dict[str, Any] = {
        "TOKEN_TTL_SECONDS": int(env("TOKEN_TTL_SECONDS", str(DEFAULT_TOKEN_TTL_SECONDS))),
        "RATE_LIMIT": env("RATE_LIMIT"),
        "IP_RATE_LIMIT": env("IP_RATE_LIMIT"),
        "LOGIN_RATE_LIMIT": env("LOGIN_RATE_LIMIT"),
        "LOGIN_IP_RATE_LIMIT": env("LOGIN_IP_RATE_LIMIT"),
        # Growing delay on failed sign-ins of one account from one address (limits.py).
        "LOGIN_FAILURE_DELAY_SECONDS": float(env("LOGIN_FAILURE_DELAY_SECONDS", "0.25")),
        "LOGIN_FAILURE_DELAY_MAX_SECONDS": float(env("LOGIN_FAILURE_DELAY_MAX_SECONDS", "5")),
        "UPSTREAM_CONNECT_TIMEOUT": float(env("UPSTREAM_CONNECT_TIMEOUT", "2")),
        "UPSTREAM_READ_TIMEOUT": float(env("UPSTREAM_READ_TIMEOUT", "30")),
        "UPSTREAM_POOL_SIZE": int(env("UPSTREAM_POOL_SIZE", "100")),
        "OPENAPI_CACHE_SECONDS": float(env("OPENAPI_CACHE_SECONDS", "30")),
        # Host headers we answer to; anything else is a 400 (spoofed Host). "*" allows any.
        "TRUSTED_HOSTS": None if hosts.strip() == "*" else
        [h.strip() for h in hosts.split(",") if h.strip()],
    }
    settings.update(config or {})
    return settings
