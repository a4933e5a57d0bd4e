"""``/tenders``: create, list, read, edit, publish, amend, cancel."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from services.commissioning.context import context_from_app
from services.commissioning.entrypoints.api.schemas.tenders import (
    AmendmentCreate,
    CancelRequest,
    Tender,
    TenderCreate,
    TenderList,
    TenderQuery,
    TenderUpdate,
)
from services.commissioning.service_layer import tenders as svc
from shared.blueprint import Blueprint
from shared.web import current_identity, require_roles

bp = Blueprint("tenders", __name__, url_prefix="/tenders",
               description="Tenders with outcome criteria and their lifecycle")


def ctx():
    """The use-case context of this app."""
    return context_from_app(current_app)


@bp.route("")
class Tenders(MethodView):
    @bp.arguments(TenderQuery, location="query", as_kwargs=False)
    @bp.response(200, TenderList)
    def get(self, query):
        """List published tenders (and your organisation's drafts)."""
        return svc.list_tenders(ctx(), current_identity(), query)

    @bp.arguments(TenderCreate)
    @bp.response(201, Tender)
    def post(self, data):
        """Create a draft tender (commissioner)."""
        return svc.create_tender(ctx(), require_roles("commissioner"), data)


@bp.route("/<tender_id>")
class TenderItem(MethodView):
    @bp.response(200, Tender)
    def get(self, tender_id):
        """Read a tender."""
        return svc.get_tender(ctx(), current_identity(), tender_id)

    @bp.arguments(TenderUpdate)
    @bp.response(200, Tender)
    def patch(self, changes, tender_id):
        """Edit a draft (owner commissioner)."""
        return svc.update_tender(ctx(), require_roles("commissioner"), tender_id, changes)


@bp.route("/<tender_id>/publish")
class Publish(MethodView):
    @bp.response(200, Tender)
    def post(self, tender_id):
        """Publish a complete draft (owner commissioner)."""
        return svc.publish_tender(ctx(), require_roles("commissioner"), tender_id)


@bp.route("/<tender_id>/amendments")
class Amendments(MethodView):
    @bp.arguments(AmendmentCreate)
    @bp.response(201, Tender)
    def post(self, data, tender_id):
        """Amend a published tender with a reason: a new version (owner commissioner)."""
        return svc.amend_tender(ctx(), require_roles("commissioner"), tender_id,
                                data["changes"], data["reason"])


@bp.route("/<tender_id>/cancel")
class Cancel(MethodView):
    @bp.arguments(CancelRequest)
    @bp.response(200, Tender)
    def post(self, data, tender_id):
        """Cancel a tender before award (owner commissioner)."""
        return svc.cancel_tender(ctx(), require_roles("commissioner"), tender_id, data["reason"])
