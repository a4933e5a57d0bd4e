"""Sealed bids: ``/tenders/{id}/bids`` and ``/bids/{id}``."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from marshmallow import EXCLUDE, Schema, fields

from services.commissioning.entrypoints.api.schemas.bids import Bid, BidList, BidReceipt, BidSubmit
from services.commissioning.entrypoints.api.tenders import ctx
from services.commissioning.service_layer import bids as svc
from shared.blueprint import Blueprint
from shared.problems import validation_problem
from shared.schemas import PageQuerySchema
from shared.web import current_identity, require_roles

bp = Blueprint("bids", __name__, url_prefix="",
               description="Sealed bids: readable only by their organisation before the deadline")

IDEMPOTENCY_HEADER = "Idempotency-Key"


class IdempotencyHeader(Schema):
    """The optional ``Idempotency-Key`` header (documented; checked by ``_idempotency_key``)."""

    class Meta:
        unknown = EXCLUDE

    idempotency_key = fields.String(data_key=IDEMPOTENCY_HEADER, load_default=None)


def _idempotency_key() -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= 200 or not all(33 <= ord(ch) <= 126 for ch in key):
        raise validation_problem({IDEMPOTENCY_HEADER: [
            "Must be 1-200 visible ASCII characters (a UUID is ideal)."]})
    return key


def _raw_body() -> dict:
    """The JSON body exactly as parsed (the receipt hashes this, not the loaded schema)."""
    return request.get_json(silent=True)


@bp.route("/tenders/<tender_id>/bids")
class TenderBids(MethodView):
    @bp.arguments(PageQuerySchema, location="query", as_kwargs=False)
    @bp.response(200, BidList)
    def get(self, query, tender_id):
        """Opened bids after the deadline (owner, panel, auditor, admin); your own otherwise."""
        return svc.list_bids(ctx(), current_identity(), tender_id, query)

    @bp.arguments(IdempotencyHeader, location="headers", as_kwargs=False)
    @bp.arguments(BidSubmit)
    @bp.response(201, BidReceipt)
    def post(self, _headers, _data, tender_id):
        """Submit a sealed bid before the deadline (bidder); honours ``Idempotency-Key``."""
        identity = require_roles("bidder")
        status, body = svc.submit_bid(ctx(), identity, tender_id, _raw_body(),
                                      _idempotency_key())
        return body, status


@bp.route("/bids/<bid_id>")
class BidItem(MethodView):
    @bp.response(200, Bid)
    def get(self, bid_id):
        """Read a bid (your organisation's always; others only after the deadline)."""
        return svc.get_bid(ctx(), current_identity(), bid_id)

    @bp.arguments(BidSubmit)
    @bp.response(200, BidReceipt)
    def put(self, _data, bid_id):
        """Replace your bid's content before the deadline: version + 1, new receipt."""
        return svc.replace_bid(ctx(), require_roles("bidder"), bid_id, _raw_body())


@bp.route("/bids/<bid_id>/withdraw")
class Withdraw(MethodView):
    @bp.response(200, Bid)
    def post(self, bid_id):
        """Withdraw your bid before the deadline."""
        return svc.withdraw_bid(ctx(), require_roles("bidder"), bid_id)
