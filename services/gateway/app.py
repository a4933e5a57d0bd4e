"""The gateway's app factory: the only public entry point."""

from __future__ import annotations

from typing import Any

import httpx
from flask import Flask

from services.gateway.settings import gateway_settings
from shared.web import create_service_app


def _upstream_ready(app: Flask, service: str):
    def check() -> str:
        from services.gateway.entrypoints.proxy import http_client

        url = app.config["UPSTREAMS"][service].rstrip("/") + "/readyz"
        try:
            resp = http_client(app).get(url, timeout=3.0)
        except httpx.HTTPError as exc:
            return f"error: {exc.__class__.__name__}"
        return "ok" if resp.status_code == 200 else f"error: HTTP {resp.status_code}"

    return check


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the gateway app (nothing is built at import)."""
    from services.gateway.adapters import notification_tables, tables  # noqa: F401  (map every table before first use)
    from services.gateway.entrypoints.api.admin import blp as admin_blp
    from services.gateway.entrypoints.api.identity import blp as identity_blp
    from services.gateway.entrypoints.api.notifications import blp as notifications_blp
    from services.gateway.entrypoints.authn import install_authentication
    from services.gateway.entrypoints.limits import install_rate_limits
    from services.gateway.entrypoints.openapi import install_openapi
    from services.gateway.entrypoints.portal import portal
    from services.gateway.entrypoints.proxy import install_proxy

    # The gateway authenticates users itself; it does not expect an assertion.
    app = create_service_app("gateway", gateway_settings(config),
                             blueprints=[identity_blp, admin_blp, notifications_blp],
                             title="coprocure API", require_assertion=False)
    ready = app.extensions["coprocure_ready"]
    for service in app.config["UPSTREAMS"]:
        ready[service] = _upstream_ready(app, service)
    _install_identity_cache(app)
    install_rate_limits(app)  # before authentication: floods of bad tokens are limited too
    install_authentication(app)
    install_proxy(app)
    install_openapi(app)
    _operations_under_api_prefix(app)
    app.register_blueprint(portal)  # the web portal at /portal (and / when free)
    return app


def _install_identity_cache(app: Flask) -> None:
    """This process's token cache; none without Redis (no way to hear of revocations)."""
    from services.gateway.adapters.identity_cache import IdentityCache

    res = app.extensions["coprocure"]
    seconds = float(app.config.get("IDENTITY_CACHE_SECONDS") or 0)
    if res.redis_url and seconds > 0:
        app.extensions["coprocure_identity_cache"] = IdentityCache(lambda: res.redis, seconds)


OPERATIONS = ("/healthz", "/readyz", "/openapi.json", "/docs")


def _operations_under_api_prefix(app: Flask) -> None:
    """The API lives under /api/v1 (docs/api.md, "Base path"); so do the operations endpoints."""
    endpoints = {rule.rule: rule.endpoint for rule in app.url_map.iter_rules()}
    for path in OPERATIONS:
        endpoint = endpoints[path]
        app.add_url_rule("/api/v1" + path, endpoint=f"api_v1_{endpoint}",
                         view_func=app.view_functions[endpoint], methods=["GET"])
