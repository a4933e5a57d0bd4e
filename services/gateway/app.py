"""The gateway's app factory: the only public entry point."""

from __future__ import annotations

from typing import Any

from flask import Flask

from shared.web import create_service_app


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the gateway app (nothing is built at import)."""
    from services.gateway import models  # noqa: F401  (map every table before first use)
    from services.gateway.portal import portal

    blueprints: list = []
    # The gateway authenticates users itself; it does not expect an assertion.
    app = create_service_app("gateway", config, blueprints=blueprints,
                             title="coprocure API", require_assertion=False)
    app.register_blueprint(portal)  # the web portal at /portal (and / when free)
    return app
