"""Configuration from ``COPROCURE_*`` environment variables, with dev fallbacks under ``var/``."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path
from typing import Any

SERVICES = ("gateway", "commissioning", "scoring")
DEFAULT_PORTS = {"gateway": 8000, "commissioning": 8001, "scoring": 8002}
PREFIX = "COPROCURE_"


def env(name: str, default: str | None = None, environ: dict | None = None) -> str | None:
    """Read ``COPROCURE_<name>`` from the environment."""
    return (environ if environ is not None else os.environ).get(PREFIX + name, default)


def public_url(environ: dict | None = None) -> str:
    """The platform's public base URL: the gateway as its users reach it (``COPROCURE_PUBLIC_URL``,
    else the local gateway's address)."""
    port = env("GATEWAY_PORT", str(DEFAULT_PORTS["gateway"]), environ)
    return env("PUBLIC_URL", None, environ) or f"http://127.0.0.1:{port}"


def env_bool(name: str, default: bool = False, environ: dict | None = None) -> bool:
    """Read a boolean flag (1/true/yes/on)."""
    raw = env(name, None, environ)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def whole_number(given: Any, name: str, default: int) -> int:
    """A whole-number setting: ``given`` (a config value), else ``COPROCURE_<name>``, else
    ``default``; a RuntimeError naming the variable if it is not a whole number >= 0."""
    raw = given if given is not None else env(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise RuntimeError(f"COPROCURE_{name} must be a whole number (it is {raw!r})") from None
    if value < 0:
        raise RuntimeError(f"COPROCURE_{name} must not be negative (it is {value})")
    return value


def var_dir(environ: dict | None = None) -> Path:
    """The directory for local state (SQLite files, dev keys, embedded Redis)."""
    return Path(env("VAR_DIR", "var", environ)).resolve()


def database_url(service: str, environ: dict | None = None) -> str:
    """The database URL of one service; SQLite under ``var/`` by default."""
    url = env(f"{service.upper()}_DATABASE_URL", None, environ)
    if url:
        return url
    return f"sqlite:///{var_dir(environ) / (service + '.db')}"


def _dev_secret(name: str, nbytes: int, environ: dict | None) -> str:
    """A base64 secret kept in ``var/keys/`` so every local process shares it."""
    folder = var_dir(environ) / "keys"
    path = folder / name
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(base64.b64encode(secrets.token_bytes(nbytes)).decode())
        os.chmod(tmp, 0o600)
        # Atomic rename: concurrent first starts agree on one key.
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        tmp.unlink()
    return path.read_text().strip()


def secret_problem(value: str, nbytes: int = 32) -> str | None:
    """What is wrong with a secret's form (None when it is ``nbytes`` bytes of base64):
    a template's placeholder or a typed-in word must not pass for a key."""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return f"must be {nbytes} random bytes, base64-encoded (it is not base64)"
    if len(raw) != nbytes:
        return f"must be {nbytes} random bytes, base64-encoded (it decodes to {len(raw)})"
    return None


def secret(name: str, nbytes: int = 32, environ: dict | None = None) -> str:
    """A base64 secret from ``COPROCURE_<name>``, else a per-checkout dev key file.

    In production the secret must be set and be ``nbytes`` bytes of base64: the process refuses
    to start otherwise (docs/deploy.md, "Secrets")."""
    value = env(name, None, environ)
    production = env("ENV", "dev", environ) == "production"
    if value:
        value = value.strip()
        problem = secret_problem(value, nbytes) if production else None
        if problem:
            raise RuntimeError(f"{PREFIX}{name} {problem}; generate one with: python -c "
                               "'import base64,os;print(base64.b64encode(os.urandom(32))"
                               ".decode())'")
        return value
    if production:
        raise RuntimeError(f"{PREFIX}{name} must be set in production")
    return _dev_secret(name.lower(), nbytes, environ)


def load_settings(service: str, overrides: dict[str, Any] | None = None,
                  environ: dict | None = None) -> dict[str, Any]:
    """Flask config for one service: environment first, then explicit overrides."""
    sandbox = env_bool("SANDBOX", False, environ)
    settings: dict[str, Any] = {
        "SERVICE_NAME": service,
        "ENV": env("ENV", "dev", environ),
        "SANDBOX": sandbox,
        "DATABASE_URL": database_url(service, environ),
        "REDIS_URL": env("REDIS_URL", None, environ),
        "ASSERTION_KEY": secret("ASSERTION_KEY", 32, environ),
        "ASSERTION_TTL_SECONDS": int(env("ASSERTION_TTL_SECONDS", "60", environ)),
        "MAX_CONTENT_LENGTH": int(env("MAX_BODY_BYTES", str(1024 * 1024), environ)),
        # Document uploads stream past MAX_BODY_BYTES up to this (the gateway and commissioning).
        "MAX_DOCUMENT_BYTES": int(env("MAX_DOCUMENT_BYTES", str(25 * 1024 * 1024), environ)),
        "MAX_PAGE_SIZE": 200,
        "LOG_LEVEL": env("LOG_LEVEL", "INFO", environ),
        "UPSTREAMS": {
            name: env(f"{name.upper()}_URL", f"http://127.0.0.1:{port}", environ)
            for name, port in DEFAULT_PORTS.items() if name != "gateway"
        },
    }
    if overrides:
        settings.update(overrides)
    return settings
