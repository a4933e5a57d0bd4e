"""Panel set-up, conflict declarations, the evaluation document, scores and moderation."""

from __future__ import annotations

from flask.views import MethodView

from services.scoring.entrypoints.api import ctx
from services.scoring.entrypoints.api.schemas import panel as schemas
from services.scoring.service_layer import evaluation, panel, scores
from shared.blueprint import Blueprint
from shared.web import require_roles, signed_directory

bp = Blueprint("evaluation", __name__, url_prefix="/tenders",
               description="Evaluation panel, conflicts, scores and moderation")


@bp.route("/<tender_id>/panel")
class PanelView(MethodView):
    @bp.arguments(schemas.PanelUpdate)
    @bp.response(200, schemas.Panel)
    def put(self, body, tender_id: str):
        """Set the tender's evaluators and moderator (owner commissioner)."""
        who = require_roles("commissioner")
        return panel.set_panel(ctx(), who, tender_id, body, signed_directory())


@bp.route("/<tender_id>/conflicts")
class ConflictsView(MethodView):
    @bp.arguments(schemas.ConflictsCreate)
    @bp.response(201, schemas.ConflictStatementOut)
    def post(self, body, tender_id: str):
        """Declare conflicts of interest before any bid is shown (panel members)."""
        who = require_roles("evaluator", "moderator")
        return panel.declare_conflicts(ctx(), who, tender_id, body)


@bp.route("/<tender_id>/evaluation")
class EvaluationView(MethodView):
    @bp.response(200, schemas.Evaluation)
    def get(self, tender_id: str):
        """Progress, automated assessments and divergences, as this caller may see them."""
        who = require_roles("commissioner", "evaluator", "moderator", "auditor")
        return evaluation.evaluation_document(ctx(), who, tender_id)


@bp.route("/<tender_id>/bids/<bid_id>/scores")
class ScoresView(MethodView):
    @bp.arguments(schemas.ScoreCreate)
    @bp.response(201, schemas.ScoreOut)
    def post(self, body, tender_id: str, bid_id: str):
        """Score one quality criterion of a bid, 0–5, with a justification (evaluator)."""
        who = require_roles("evaluator")
        return scores.submit_score(ctx(), who, tender_id, bid_id, body)

    @bp.response(200, schemas.ScoreHistory)
    def get(self, tender_id: str, bid_id: str):
        """Score revisions and moderations of a bid (owner, auditor; panel: independently)."""
        who = require_roles("commissioner", "evaluator", "moderator", "auditor")
        return scores.list_scores(ctx(), who, tender_id, bid_id)


@bp.route("/<tender_id>/bids/<bid_id>/moderation")
class ModerationView(MethodView):
    @bp.arguments(schemas.ModerationCreate)
    @bp.response(201, schemas.ModerationOut)
    def post(self, body, tender_id: str, bid_id: str):
        """Record the consensus score where evaluators diverge by 2 or more (moderator)."""
        who = require_roles("moderator")
        return scores.moderate(ctx(), who, tender_id, bid_id, body)
