"""Documents: a tender's (``/tenders/{id}/documents``) and a bid's (``/bids/{id}/documents``).

Uploads are the raw file as the body (``application/octet-stream``) with the name in the query;
both directions stream in 64 KiB blocks (docs/api.md, "Documents").
"""

from __future__ import annotations

import contextlib

from flask import Response, current_app, request
from flask.views import MethodView

from services.commissioning.entrypoints.api.schemas.bids import ReceiptOut
from services.commissioning.entrypoints.api.schemas.documents import (
    DOWNLOAD,
    UPLOAD_BODY,
    AttachmentUpload,
    BidDocumentAttached,
    BidDocumentUpload,
    DocumentList,
    DocumentOut,
    TenderDocumentUpload,
)
from services.commissioning.entrypoints.api.tenders import ctx
from services.commissioning.service_layer import documents as svc
from services.commissioning.service_layer import questions
from shared.blueprint import Blueprint
from shared.web import current_identity, require_roles

bp = Blueprint("documents", __name__, url_prefix="",
               description="Tender and bid documents: streamed, sealed like bids, typed by bytes")

SLACK = 256 * 1024


def _is_upload() -> bool:
    return request.method == "POST" and request.path.endswith(("/documents", "/attachments"))


@bp.before_request
def _lift_body_limit():
    # A document may exceed MAX_BODY_BYTES; the use case enforces the document limits itself.
    if _is_upload():
        request.max_content_length = current_app.config["MAX_DOCUMENT_BYTES"] + SLACK


@bp.after_request
def _drain(response: Response) -> Response:
    # Read what an early refusal left unread, so the sender sees the answer, not a reset.
    if _is_upload() and response.status_code >= 400:
        with contextlib.suppress(Exception):  # best effort
            while request.stream.read(svc.BLOCK):
                pass
    return response


def _upload(query: dict) -> svc.Upload:
    return svc.Upload(filename=query.get("filename"), stream=request.stream,
                      length=request.content_length, title=query.get("title"),
                      price_schedule=bool(query.get("price_schedule")),
                      replaces=query.get("replaces"))


def _send(download: svc.Download, sealed: bool) -> Response:
    headers = {
        "Content-Disposition": f'attachment; filename="{download.filename}"',
        "X-Content-Type-Options": "nosniff",
        "Content-Length": str(download.size),
        "ETag": f'"{download.sha256}"',
        "Cache-Control": "private, no-store" if sealed else "no-cache",
    }
    return Response(download.blocks, mimetype=download.media_type, headers=headers)


@bp.route("/tenders/<tender_id>/documents")
class TenderDocuments(MethodView):
    @bp.response(200, DocumentList)
    def get(self, tender_id):
        """A tender's documents, superseded versions included (public once published)."""
        return svc.list_tender_documents(ctx(), current_identity(), tender_id)

    @bp.arguments(TenderDocumentUpload, location="query", as_kwargs=False)
    @bp.doc(requestBody=UPLOAD_BODY)
    @bp.response(201, DocumentOut)
    def post(self, query, tender_id):
        """Add a document, or with ``replaces`` a new version of one (owner commissioner)."""
        identity = require_roles("commissioner")
        return svc.upload_tender_document(ctx(), identity, tender_id, _upload(query))


@bp.route("/tenders/<tender_id>/questions/<question_id>/attachments")
class AnswerAttachments(MethodView):
    @bp.arguments(AttachmentUpload, location="query", as_kwargs=False)
    @bp.doc(requestBody=UPLOAD_BODY)
    @bp.response(201, DocumentOut)
    def post(self, query, tender_id, question_id):
        """Attach a document to a published answer (owner commissioner): public with it."""
        identity = require_roles("commissioner")
        return questions.attach_to_answer(ctx(), identity, tender_id, question_id,
                                          _upload(query))


@bp.route("/tenders/<tender_id>/documents/<doc_id>")
class TenderDocument(MethodView):
    @bp.response(200, DocumentOut)
    def get(self, tender_id, doc_id):
        """One tender document's metadata."""
        return svc.get_tender_document(ctx(), current_identity(), tender_id, doc_id)


@bp.route("/tenders/<tender_id>/documents/<doc_id>/content")
class TenderDocumentContent(MethodView):
    @bp.doc(responses={"200": DOWNLOAD})
    def get(self, tender_id, doc_id):
        """Download a tender document (an attachment, never sniffed)."""
        return _send(svc.tender_document_content(ctx(), current_identity(), tender_id, doc_id),
                     sealed=False)


@bp.route("/bids/<bid_id>/documents")
class BidDocuments(MethodView):
    @bp.response(200, DocumentList)
    def get(self, bid_id):
        """A bid's documents, under the bid's rules (no price schedule for the panel)."""
        return svc.list_bid_documents(ctx(), current_identity(), bid_id)

    @bp.arguments(BidDocumentUpload, location="query", as_kwargs=False)
    @bp.doc(requestBody=UPLOAD_BODY)
    @bp.response(201, BidDocumentAttached)
    def post(self, query, bid_id):
        """Attach a document to your live bid before the deadline; answers the new receipt."""
        identity = require_roles("bidder")
        return svc.upload_bid_document(ctx(), identity, bid_id, _upload(query))


@bp.route("/bids/<bid_id>/documents/<doc_id>")
class BidDocument(MethodView):
    @bp.response(200, DocumentOut)
    def get(self, bid_id, doc_id):
        """One of a bid's documents (metadata)."""
        return svc.get_bid_document(ctx(), current_identity(), bid_id, doc_id)

    @bp.response(200, ReceiptOut)
    def delete(self, bid_id, doc_id):
        """Remove a document from your live bid before the deadline; answers the new receipt."""
        return svc.remove_bid_document(ctx(), require_roles("bidder"), bid_id, doc_id)


@bp.route("/bids/<bid_id>/documents/<doc_id>/content")
class BidDocumentContent(MethodView):
    @bp.doc(responses={"200": DOWNLOAD})
    def get(self, bid_id, doc_id):
        """Download a bid's document (sealed until the deadline, then the bid's rules)."""
        return _send(svc.bid_document_content(ctx(), current_identity(), bid_id, doc_id),
                     sealed=True)
