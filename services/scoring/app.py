"""The scoring service's app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask

from shared.web import create_service_app


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the scoring service app (nothing is built at import)."""
    from services.scoring.adapters import tables as models
    from services.scoring.entrypoints.api import audit as audit_api
    from services.scoring.entrypoints.api import (
        indigo,
        library,
        panel,
        payments,
        performance,
        runs,
    )
    from services.scoring.settings import scoring_settings
    from shared.admin import failed_jobs_blueprint

    blueprints = [panel.bp, runs.bp, audit_api.bp, performance.bp,
                  payments.bp, indigo.bp, library.bp,
                  failed_jobs_blueprint(models.failed_jobs)]
    app = create_service_app("scoring", config, blueprints=blueprints,
                             title="coprocure scoring service")
    app.config.update(scoring_settings(app.config))
    return app
