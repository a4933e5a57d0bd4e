"""Scoring runs, replays, the award and assessment summaries."""

from __future__ import annotations

from flask.views import MethodView

from services.scoring.entrypoints.api import ctx
from services.scoring.entrypoints.api.schemas import runs as schemas
from services.scoring.service_layer import award, runs, summary
from shared.blueprint import Blueprint
from shared.web import require_roles

bp = Blueprint("scoring_runs", __name__, url_prefix="",
               description="Scoring runs, replay, award and assessment summaries")


@bp.route("/tenders/<tender_id>/scoring-runs")
class RunsView(MethodView):
    @bp.arguments(schemas.RunCreate, required=False)
    @bp.response(202, schemas.ScoringRun)
    def post(self, body, tender_id: str):
        """Freeze the inputs and queue a scoring run of the tender, or of one of its lots
        (owner commissioner)."""
        who = require_roles("commissioner")
        return runs.request_run(ctx(), who, tender_id, body.get("lot_key"))


@bp.route("/scoring-runs/<run_id>")
class RunView(MethodView):
    @bp.response(200, schemas.ScoringRun)
    def get(self, run_id: str):
        """A scoring run: status, hashes and ranking (owner commissioner, auditor)."""
        who = require_roles("commissioner", "auditor")
        return runs.get_run(ctx(), who, run_id)


@bp.route("/scoring-runs/<run_id>/replay")
class ReplayView(MethodView):
    @bp.response(200, schemas.Replay)
    def post(self, run_id: str):
        """Recompute a run from its stored inputs and compare the output hash (auditor)."""
        who = require_roles("auditor")
        return runs.replay(ctx(), who, run_id)


@bp.route("/tenders/<tender_id>/award")
class AwardView(MethodView):
    @bp.arguments(schemas.AwardCreate)
    @bp.response(200, schemas.Award)
    def post(self, body, tender_id: str):
        """Award a passing bid of the latest completed run (owner commissioner)."""
        who = require_roles("commissioner")
        return award.award(ctx(), who, tender_id, body)


@bp.route("/tenders/<tender_id>/awards")
class AwardsView(MethodView):
    @bp.response(200, schemas.AwardList)
    def get(self, tender_id: str):
        """Each lot's award decision, pending, awarded or unawarded (owner commissioner,
        auditor)."""
        who = require_roles("commissioner", "auditor")
        return award.award_statuses(ctx(), who, tender_id)


@bp.route("/tenders/<tender_id>/lots/<lot_key>/no-award")
class NoAwardView(MethodView):
    @bp.arguments(schemas.NoAwardCreate)
    @bp.response(200, schemas.NoAward)
    def post(self, body, tender_id: str, lot_key: str):
        """Close a lot unawarded, with the reason (owner commissioner)."""
        who = require_roles("commissioner")
        return award.close_unawarded(ctx(), who, tender_id, lot_key, body["justification"])


@bp.route("/bids/<bid_id>/assessment-summary")
class SummaryView(MethodView):
    @bp.response(200, schemas.AssessmentSummary)
    def get(self, bid_id: str):
        """A bid's assessment summary (owning organisation after award, owner, auditor)."""
        who = require_roles("bidder", "commissioner", "auditor")
        return summary.assessment_summary(ctx(), who, bid_id)
