"""Audit endpoints: events, tree heads, public key, proofs, exports, and the OCDS package."""

from __future__ import annotations

from flask import Response, current_app
from flask.views import MethodView
from marshmallow import RAISE

from services.scoring.entrypoints.api import ctx
from services.scoring.entrypoints.api.schemas import audit as schemas
from services.scoring.service_layer import audit_export as export
from services.scoring.service_layer import audit_queries as queries
from services.scoring.service_layer import ocds as service
from services.scoring.service_layer import tree_heads as heads
from shared.blueprint import Blueprint
from shared.web import require_roles

# An entry's number is a 32-bit column (seq); a larger one cannot exist, so it is a 404 from
# routing (and the OpenAPI states the maximum) rather than a value the database refuses.
MAX_SEQ = 2**31 - 1

bp = Blueprint("audit", __name__, url_prefix="",
               description="Tamper-evident scoring history: Merkle log, tree heads, proofs")


@bp.route("/audit/events")
class EventsView(MethodView):
    @bp.arguments(schemas.EventsQuery, location="query", unknown=RAISE)
    @bp.response(200, schemas.EventPage)
    def get(self, args):
        """Entries in seq order, filtered and cursor-paginated (auditor)."""
        require_roles("auditor")
        return queries.list_events(ctx(), args)


@bp.route("/audit/tree-head")
class TreeHeadView(MethodView):
    @bp.response(200, schemas.TreeHead)
    def get(self):
        """The latest signed tree head over the whole log; signs a fresh one if it grew."""
        return heads.current_tree_head(ctx())


@bp.route("/audit/tree-heads")
class TreeHeadsView(MethodView):
    @bp.arguments(schemas.TreeHeadsQuery, location="query", unknown=RAISE)
    @bp.response(200, schemas.TreeHeadList)
    def get(self, args):
        """The most recent signed tree heads (milestones included), newest first."""
        return {"items": heads.tree_heads(ctx(), args["limit"])}


@bp.route(f"/audit/events/<int(max={MAX_SEQ}):seq>")
class EventView(MethodView):
    @bp.response(200)
    def get(self, seq: int):
        """One entry, its leaf hash and (unless withheld) its payload (auditor)."""
        require_roles("auditor")
        return queries.event(ctx(), seq)


@bp.route("/audit/public-key")
class PublicKeyView(MethodView):
    @bp.response(200, schemas.PublicKey)
    def get(self):
        """The Ed25519 key tree heads are signed with."""
        return heads.public_key_document(ctx())


@bp.route(f"/audit/events/<int(max={MAX_SEQ}):seq>/proof")
class InclusionView(MethodView):
    @bp.arguments(schemas.ProofQuery, location="query", unknown=RAISE)
    @bp.response(200, schemas.InclusionProof)
    def get(self, args, seq: int):
        """RFC 9162 inclusion proof of entry ``seq`` in the tree of ``tree_size`` (auditor)."""
        require_roles("auditor")
        return queries.inclusion(ctx(), seq, args["tree_size"])


@bp.route("/audit/consistency")
class ConsistencyView(MethodView):
    @bp.arguments(schemas.ConsistencyQuery, location="query", unknown=RAISE)
    @bp.response(200, schemas.ConsistencyProof)
    def get(self, args):
        """RFC 9162 consistency proof that tree ``first`` is a prefix of tree ``second``."""
        return queries.consistency(ctx(), args["first"], args["second"])


@bp.route("/audit/export")
class ExportView(MethodView):
    @bp.arguments(schemas.ExportQuery, location="query", unknown=RAISE)
    @bp.response(200, content_type="application/jsonl")
    def get(self, args):
        """The log streamed as canonical JSON lines (verbatim) or CSV (auditor)."""
        require_roles("auditor")
        context = ctx()
        size = export.export_size(context, args["tree_size"])
        if args["format"] == "csv":
            body, mimetype, ext = export.csv_chunks(context, size), "text/csv", "csv"
        else:
            body, mimetype, ext = export.jsonl_chunks(context, size), "application/jsonl", "jsonl"
        return Response(body, mimetype=mimetype, headers={
            "Content-Disposition": f'attachment; filename="audit-{size}.{ext}"',
            "X-Audit-Tree-Size": str(size)})


@bp.route("/tenders/<tender_id>/ocds")
class OcdsView(MethodView):
    @bp.response(200)
    def get(self, tender_id: str):
        """OCDS 1.1 release package of a published tender (anyone): its tender release while
        open, then opening, award and contract releases; 404 for an unknown tender."""
        return service.ocds_package(ctx(), tender_id, current_app.config["OCDS_PUBLICATION"])
