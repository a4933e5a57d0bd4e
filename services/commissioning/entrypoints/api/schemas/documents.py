"""Document schemas: the upload's query (the body is the file itself) and the answers."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.commissioning.domain.documents import EXTENSIONS, FILENAME_PATTERN, TYPES
from services.commissioning.entrypoints.api.schemas.bids import ReceiptOut
from shared.fields import Pattern, Text
from shared.schemas import StrictSchema

ALLOWED = "PDF, DOCX, XLSX, ODT, ODS, CSV, TXT, PNG or JPEG (judged on the bytes)"
# The request body of an upload: the file's bytes, streamed (docs/api.md, "Documents").
UPLOAD_BODY = {"required": True, "description": f"The file itself: {ALLOWED}.",
               "content": {"application/octet-stream": {
                   "schema": {"type": "string", "format": "binary"}}}}
# Served as the media type of its kind (never sniffed), so each is documented.
DOWNLOAD = {"description": "The file, as an attachment",
            "content": {mime: {"schema": {"type": "string", "format": "binary"}}
                        for _, mime in TYPES.values()}}


class _Upload(StrictSchema):
    filename = Text(required=True, validate=[
        validate.Length(1, 300),
        Pattern(FILENAME_PATTERN, error="Must end in one of ." + ", .".join(sorted(EXTENSIONS))
                + ".")], metadata={
        "description": "The file's name; made safe, and its extension must match the bytes."})
    title = Text(validate=validate.Length(1, 300))


class TenderDocumentUpload(_Upload):
    """Query of a tender document upload."""

    replaces = Text(validate=validate.Length(1, 40), metadata={
        "description": "The id of a current document this is a new version of."})


class AttachmentUpload(_Upload):
    """Query of a clarification attachment upload."""


class BidDocumentUpload(_Upload):
    """Query of a bid document upload."""

    price_schedule = fields.Boolean(load_default=False, metadata={
        "description": "The price schedule: never shown to the evaluation panel."})


class DocumentOut(Schema):
    """A document's metadata."""

    class Meta:
        ordered = True

    id = fields.String()
    tender_id = fields.String()
    bid_id = fields.String()
    filename = fields.String()
    title = fields.String(allow_none=True)
    media_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    status = fields.String(metadata={"description": "current, superseded or removed"})
    uploaded_at = fields.String(metadata={"format": "date-time"})
    version = fields.Integer()
    supersedes = fields.String(allow_none=True)
    superseded_by = fields.String(allow_none=True)
    tender_version = fields.Integer()
    question_id = fields.String(metadata={
        "description": "The clarification question whose answer the document is attached to."})
    price_schedule = fields.Boolean()


class DocumentList(Schema):
    """Documents."""

    items = fields.List(fields.Nested(DocumentOut))


class BidDocumentAttached(Schema):
    """What attaching a document to a bid returns: the document and the bid's new receipt."""

    document = fields.Nested(DocumentOut)
    receipt = fields.Nested(ReceiptOut)
