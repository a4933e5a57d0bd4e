"""``/contracts`` and ``/reports``: the contract made at award, results reported against its
agreed metrics, co-assessment by the people who use the service, and validation."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from services.commissioning.context import context_from_app
from services.commissioning.entrypoints.api.schemas import contracts as schemas
from services.commissioning.service_layer import contract_changes as changes
from services.commissioning.service_layer import contracts as svc
from services.commissioning.service_layer import reports
from shared.blueprint import Blueprint
from shared.web import current_identity, require_roles, signed_directory

bp = Blueprint("contracts", __name__, url_prefix="",
               description="Contracts after award: agreed metrics, results, co-assessment")


def ctx():
    """The use-case context of this app."""
    return context_from_app(current_app)


@bp.route("/tenders/<tender_id>/contract")
class TenderContract(MethodView):
    @bp.arguments(schemas.TenderContractQuery, location="query")
    @bp.response(200, schemas.Contract)
    def get(self, query, tender_id):
        """The contract made from the tender's award, or from one lot's (``lot_key``, required
        on a tender with lots); public once made."""
        return svc.get_tender_contract(ctx(), tender_id, query["lot_key"])


@bp.route("/tenders/<tender_id>/contracts")
class TenderContracts(MethodView):
    @bp.response(200, schemas.ContractList)
    def get(self, tender_id):
        """Every contract made from the tender's awards (one per awarded lot)."""
        return svc.list_tender_contracts(ctx(), tender_id)


@bp.route("/contracts/<contract_id>")
class ContractItem(MethodView):
    @bp.response(200, schemas.Contract)
    def get(self, contract_id):
        """A contract: parties, value, term, agreed metrics, schedule, validated results."""
        return svc.get_contract(ctx(), contract_id)


@bp.route("/contracts/<contract_id>/assessors")
class Assessors(MethodView):
    @bp.response(200, schemas.AssessorList)
    def get(self, contract_id):
        """Who was invited to review or validate (buyer commissioner, auditor)."""
        return svc.list_assessors(ctx(), require_roles("commissioner", "auditor"), contract_id)

    @bp.arguments(schemas.AssessorCreate)
    @bp.response(201, schemas.Assessor)
    def post(self, body, contract_id):
        """Invite a reviewer (lived experience) or an independent validator (buyer)."""
        return svc.invite_assessor(ctx(), require_roles("commissioner"), contract_id, body,
                                   signed_directory())


@bp.route("/contracts/<contract_id>/reports")
class Reports(MethodView):
    @bp.response(200, schemas.ReportList)
    def get(self, contract_id):
        """Every report version with its reviews and decisions (parties, assessors, auditor)."""
        return reports.list_reports(ctx(), current_identity(), contract_id)

    @bp.arguments(schemas.ReportCreate)
    @bp.response(201, schemas.Report)
    def post(self, body, contract_id):
        """Report a result for one metric and period; again for a correction (provider)."""
        return reports.submit_report(ctx(), require_roles("bidder"), contract_id, body)


@bp.route("/reports/<report_id>/reviews")
class Reviews(MethodView):
    @bp.arguments(schemas.ReviewCreate)
    @bp.response(201, schemas.Report)
    def post(self, body, report_id):
        """Co-assess a result: agree, partly or disagree (invited reviewer)."""
        return reports.review(ctx(), require_roles("reviewer"), report_id, body)


@bp.route("/reports/<report_id>/decisions")
class Decisions(MethodView):
    @bp.arguments(schemas.DecisionCreate)
    @bp.response(201, schemas.Report)
    def post(self, body, report_id):
        """Validate, dispute or reject a result (buyer commissioner or invited validator)."""
        return reports.decide(ctx(), require_roles("commissioner", "validator"), report_id, body)


@bp.route("/reports/<report_id>/replies")
class Replies(MethodView):
    @bp.arguments(schemas.ReplyCreate)
    @bp.response(201, schemas.Report)
    def post(self, body, report_id):
        """Answer a dispute on one of your results (provider)."""
        return reports.reply(ctx(), require_roles("bidder"), report_id, body)


@bp.route("/contracts/<contract_id>/changes")
class Changes(MethodView):
    @bp.arguments(schemas.ChangeCreate)
    @bp.response(201, schemas.Contract)
    def post(self, body, contract_id):
        """Propose a change to agreed metrics with a reason (buyer or supplier)."""
        return changes.propose_change(ctx(), require_roles("commissioner", "bidder"),
                                      contract_id, body)


@bp.route("/contracts/<contract_id>/changes/<int:number>/decision")
class ChangeDecisionView(MethodView):
    @bp.arguments(schemas.ChangeDecision)
    @bp.response(200, schemas.Contract)
    def post(self, body, contract_id, number):
        """Confirm (the other party: a new version) or withdraw a proposed change."""
        return changes.decide_change(ctx(), require_roles("commissioner", "bidder"),
                                     contract_id, number, body["decision"] == "confirm")
