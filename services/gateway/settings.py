"""Gateway settings: token lifetime, rate limits, upstream timeouts, trusted hosts.

Each comes from ``COPROCURE_<NAME>``; explicit config passed to ``create_app`` wins.
"""

from __future__ import annotations

from typing import Any

from services.gateway.adapters.mail import MailConfigError, parse_mail_url, parse_sender
from services.gateway.domain.identity import DEFAULT_TOKEN_TTL_SECONDS
from shared.config import DEFAULT_PORTS, env, env_bool, var_dir


def _hours(name: str, default: str) -> tuple[float, ...]:
    raw = env(name, default) or ""
    try:
        hours = tuple(float(h) for h in raw.split(",") if h.strip())
    except ValueError:
        raise RuntimeError(f"COPROCURE_{name} must be hours separated by commas, e.g. "
                           f"{default!r}") from None
    if any(h <= 0 for h in hours):
        raise RuntimeError(f"COPROCURE_{name}: every reminder must be more than 0 hours")
    return hours


def mail_settings() -> dict[str, Any]:
    """Where letters go and what they say they come from; a malformed value stops start-up
    with a message naming it (docs/architecture.md, "Notifications")."""
    url = env("SMTP_URL")
    if not url:
        if env("ENV", "dev") == "production":
            raise RuntimeError("COPROCURE_SMTP_URL must be set in production "
                               "(smtp://user:pass@host:587?starttls=true or smtps://…)")
        url = f"maildir://{var_dir() / 'mail'}"  # a laptop keeps its letters (portal: Mail)
    try:
        mail = parse_mail_url(url)
        sender = parse_sender(env("MAIL_FROM", "coprocure <notifications@coprocure.localhost>")
                              or "")
    except MailConfigError as exc:
        raise RuntimeError(str(exc)) from None
    port = env("GATEWAY_PORT", str(DEFAULT_PORTS["gateway"]))
    return {
        "MAIL": mail, "MAIL_FROM": sender,
        "PUBLIC_URL": env("PUBLIC_URL", f"http://127.0.0.1:{port}"),
        "DEADLINE_REMINDER_HOURS": _hours("DEADLINE_REMINDER_HOURS", "48,2"),
        "REMINDER_SECONDS": float(env("REMINDER_SECONDS",
                                      "5" if env_bool("SANDBOX") else "60") or "60"),
    }


def gateway_settings(config: dict[str, Any] | None) -> dict[str, Any]:
    """The gateway's own settings from ``COPROCURE_*``, then explicit overrides."""
    hosts = env("ALLOWED_HOSTS", "localhost,127.0.0.1,::1,gateway") or ""
    settings: dict[str, Any] = {
        "TOKEN_TTL_SECONDS": int(env("TOKEN_TTL_SECONDS", str(DEFAULT_TOKEN_TTL_SECONDS))),
        # How long a process trusts a token it has read (0: read it on every request); any
        # revocation evicts it at once (adapters/identity_cache.py).
        "IDENTITY_CACHE_SECONDS": float(env("IDENTITY_CACHE_SECONDS", "10") or "10"),
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
        **mail_settings(),
    }
    settings.update(config or {})
    return settings
