"""``/contracts/{id}/indigo``: a contract as an INDIGO project (public)."""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView

from services.scoring.entrypoints.api import ctx
from services.scoring.service_layer import indigo
from shared.blueprint import Blueprint

bp = Blueprint("indigo", __name__, url_prefix="",
               description="Contracts as INDIGO projects (INDIGO data standard 4.1.0)")


@bp.route("/contracts/<contract_id>/indigo")
class IndigoView(MethodView):
    @bp.response(200)
    def get(self, contract_id: str):
        """Outcome metrics, pricings, validated results and outcome payments with sources."""
        base = current_app.config.get("PUBLIC_URL") or request.url_root.rstrip("/")
        return indigo.indigo_project(ctx(), contract_id, base)
