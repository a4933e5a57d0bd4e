"""Clarification question schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.commissioning.entrypoints.api.schemas.documents import DocumentOut
from shared.fields import Text
from shared.schemas import StrictSchema


class QuestionCreate(StrictSchema):
    """``{question}``."""

    question = Text(required=True, validate=validate.Length(1, 5000))


class AnswerCreate(StrictSchema):
    """``{answer}``."""

    answer = Text(required=True, validate=validate.Length(1, 20_000))


class Question(Schema):
    """A question; the asker's organisation only for the owner commissioner."""

    class Meta:
        ordered = True

    id = fields.String()
    tender_id = fields.String()
    question = fields.String()
    status = fields.String()
    asked_at = fields.String(metadata={"format": "date-time"})
    answer = fields.String(allow_none=True)
    answered_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    asked_by_my_organisation = fields.Boolean()
    asker_organisation_id = fields.String()
    asker_organisation_name = fields.String(allow_none=True)
    attachments = fields.List(fields.Nested(DocumentOut), metadata={
        "description": "Documents published with the answer (in the question list)."})


class QuestionList(Schema):
    """Questions of a tender."""

    items = fields.List(fields.Nested(Question))
    next_cursor = fields.String(allow_none=True)
