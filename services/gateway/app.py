"""The gateway's app factory: the only public entry point."""

from __future__ import annotations

from typing import Any

import httpx
from flask import Flask

from services.gateway.domain.identity import DEFAULT_TOKEN_TTL_SECONDS
from shared.config import env
from shared.web import create_service_app


def gateway_settings(config: dict[str, Any] | None) -> dict[str, Any]:
    """The gateway's own settings from ``COPROCURE_*``, then explicit overrides."""
    hosts = env("ALLOWED_HOSTS", "localhost,127.0.0.1,::1,gateway") or ""
    settings: dict[str, Any] = {
        "TOKEN_TTL_SECONDS": int(env("TOKEN_TTL_SECONDS", str(DEFAULT_TOKEN_TTL_SECONDS))),
        "RATE_LIMIT": env("RATE_LIMIT"),
        "IP_RATE_LIMIT": env("IP_RATE_LIMIT"),
        "LOGIN_RATE_LIMIT": env("LOGIN_RATE_LIMIT"),
        "LOGIN_IP_RATE_LIMIT": env("LOGIN_IP_RATE_LIMIT"),
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


def _upstream_ready(app: Flask, service: str):
    def check() -> str:
        from services.gateway.proxy import http_client

        url = app.config["UPSTREAMS"][service].rstrip("/") + "/readyz"
        try:
            resp = http_client(app).get(url, timeout=3.0)
        except httpx.HTTPError as exc:
            return f"error: {exc.__class__.__name__}"
        return "ok" if resp.status_code == 200 else f"error: HTTP {resp.status_code}"

    return check


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the gateway app (nothing is built at import)."""
    from services.gateway import models  # noqa: F401  (map every table before first use)
    from services.gateway.authn import install_authentication
    from services.gateway.limits import install_rate_limits
    from services.gateway.openapi import install_openapi
    from services.gateway.portal import portal
    from services.gateway.proxy import install_proxy
    from services.gateway.views.admin import blp as admin_blp
    from services.gateway.views.identity import blp as identity_blp

    # The gateway authenticates users itself; it does not expect an assertion.
    app = create_service_app("gateway", gateway_settings(config),
                             blueprints=[identity_blp, admin_blp],
                             title="coprocure API", require_assertion=False)
    ready = app.extensions["coprocure_ready"]
    for service in app.config["UPSTREAMS"]:
        ready[service] = _upstream_ready(app, service)
    install_rate_limits(app)  # before authentication: floods of bad tokens are limited too
    install_authentication(app)
    install_proxy(app)
    install_openapi(app)
    _operations_under_api_prefix(app)
    app.register_blueprint(portal)  # the web portal at /portal (and / when free)
    return app


OPERATIONS = ("/healthz", "/readyz", "/openapi.json", "/docs")


def _operations_under_api_prefix(app: Flask) -> None:
    """API.md serves everything under /api/v1: the operations endpoints answer there too."""
    endpoints = {rule.rule: rule.endpoint for rule in app.url_map.iter_rules()}
    for path in OPERATIONS:
        endpoint = endpoints[path]
        app.add_url_rule("/api/v1" + path, endpoint=f"api_v1_{endpoint}",
                         view_func=app.view_functions[endpoint], methods=["GET"])
