"""HTTP views of the scoring service (thin: parse, authorise by role, call the service layer)."""

from __future__ import annotations

from flask import current_app

from services.scoring.context import Context, context_from_app


def ctx() -> Context:
    """The use-case context of the app serving this request."""
    return context_from_app(current_app)
