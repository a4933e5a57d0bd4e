"""The commissioning service's app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask

from shared.problems import Problem, problem_response
from shared.web import create_service_app


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the commissioning service app (nothing is built at import).

    Extra config: ``CLOCK`` (zero-arg callable returning an aware UTC datetime; tests control
    it), ``PERIODS`` (minimum periods, from the environment or zero in sandbox) and
    ``MASTER_KEY`` (base64 key wrapping the per-tender bid keys; ``COPROCURE_MASTER_KEY``).
    """
    from services.commissioning.adapters import tables as models
    from services.commissioning.entrypoints.api import (
        bids,
        contracts,
        documents,
        questions,
        tenders,
    )
    from services.commissioning.settings import commissioning_settings
    from shared.admin import failed_jobs_blueprint

    blueprints: list = [tenders.bp, questions.bp, bids.bp, documents.bp, contracts.bp,
                        failed_jobs_blueprint(models.failed_jobs)]
    app = create_service_app("commissioning", config, blueprints=blueprints,
                             title="coprocure commissioning service")
    app.config.update(commissioning_settings(app.config))

    @app.errorhandler(RecursionError)
    def _too_deep(_exc):  # absurdly nested JSON must be a 400, not a 500
        return problem_response(Problem(400, "Bad request", "JSON nested too deeply"))

    return app
