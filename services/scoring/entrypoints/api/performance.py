"""``/contracts/{id}/performance`` (public) and rating replays (auditor)."""

from __future__ import annotations

from flask.views import MethodView

from services.scoring.entrypoints.api import ctx
from services.scoring.entrypoints.api.schemas import performance as schemas
from services.scoring.service_layer import performance
from shared.blueprint import Blueprint
from shared.web import require_roles

bp = Blueprint("performance", __name__, url_prefix="",
               description="Contract performance computed from validated results")


@bp.route("/contracts/<contract_id>/performance")
class PerformanceView(MethodView):
    @bp.response(200, schemas.Performance)
    def get(self, contract_id: str):
        """Each period's measure classifications and rating, with reasons and hashes."""
        return performance.get_performance(ctx(), contract_id)


@bp.route("/performance-ratings/<rating_id>/replay")
class RatingReplayView(MethodView):
    @bp.response(200, schemas.RatingReplay)
    def post(self, rating_id: str):
        """Recompute a rating from its frozen inputs; compare with the audit log (auditor)."""
        return performance.replay_rating(ctx(), require_roles("auditor"), rating_id)
