"""Schemas of the panel resources: panel, conflicts, scores, moderation, evaluation."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from services.scoring.entrypoints.api.schemas import ID, TEXT_MAX
from shared.fields import Pattern, StrictInteger, Text
from shared.schemas import StrictSchema

# Not only whitespace (a pattern, so the OpenAPI says so too).
not_blank = Pattern(r"[^\s]", error="Must not be blank.")


class PanelUpdate(StrictSchema):
    """``PUT /tenders/{id}/panel``."""

    # Text: a NUL in a user id is refused naming the field (PostgreSQL cannot store one).
    evaluators = fields.List(Text(validate=ID), required=True,
                             validate=validate.Length(min=1, max=50))
    moderator = Text(required=True, validate=ID)


class PanelMemberOut(StrictSchema):
    user_id = fields.String()
    lived_experience = fields.Boolean()


class Panel(StrictSchema):
    """The panel as set."""

    tender_id = fields.String()
    evaluators = fields.List(fields.Nested(PanelMemberOut))
    moderator = fields.Nested(PanelMemberOut, allow_none=True)
    set_at = fields.String()


class ConflictDeclarationCreate(StrictSchema):
    """One declared interest: in a bid (by id) or in a bidding organisation (id or name)."""

    class Meta(StrictSchema.Meta):
        # _one_target's rules, for the OpenAPI: exactly one target; a conflict is described.
        json_schema = {
            "oneOf": [{"required": ["bid_id"], "properties": {"bid_id": {"type": "string"}}},
                      {"required": ["organisation"],
                       "properties": {"organisation": {"type": "string"}}}],
            "if": {"required": ["has_conflict"], "properties": {"has_conflict": {"const": True}}},
            "then": {"required": ["detail"], "properties": {"detail": {"pattern": "[^\\s]"}}}}

    bid_id = fields.String(validate=ID, load_default=None, allow_none=True)
    organisation = fields.String(validate=validate.Length(min=1, max=300), load_default=None,
                                 allow_none=True)
    has_conflict = fields.Boolean(required=True)
    detail = fields.String(load_default="", validate=validate.Length(max=TEXT_MAX))

    @validates_schema
    def _one_target(self, data: dict[str, Any], **_: Any) -> None:
        if bool(data.get("bid_id")) == bool(data.get("organisation")):
            raise ValidationError("Give exactly one of bid_id or organisation.", "bid_id")
        if data.get("has_conflict") and not (data.get("detail") or "").strip():
            raise ValidationError("Describe the conflict.", "detail")


class ConflictsCreate(StrictSchema):
    """``POST /tenders/{id}/conflicts``; an empty list declares no conflicts."""

    declarations = fields.List(fields.Nested(ConflictDeclarationCreate), required=True,
                               validate=validate.Length(max=200))


class ConflictStatementOut(StrictSchema):
    tender_id = fields.String()
    user_id = fields.String()
    statement_id = fields.String()
    declared_at = fields.String()
    declarations = fields.List(fields.Dict())
    conflicted_bids = fields.Integer()


class ScoreCreate(StrictSchema):
    """``POST /tenders/{id}/bids/{bid_id}/scores``; ``reason`` is required on a change."""

    criterion_key = fields.String(required=True, validate=validate.Length(min=1, max=40))
    score = StrictInteger(required=True, validate=validate.Range(min=0, max=5))
    justification = fields.String(required=True, validate=[
        validate.Length(min=1, max=TEXT_MAX), not_blank])
    reason = fields.String(load_default=None, allow_none=True,
                           validate=validate.Length(max=TEXT_MAX))


class ScoreOut(StrictSchema):
    id = fields.String()
    tender_id = fields.String()
    bid_id = fields.String()
    criterion_key = fields.String()
    evaluator_id = fields.String()
    score = fields.Integer()
    justification = fields.String()
    reason = fields.String(allow_none=True)
    revision = fields.Integer()
    supersedes = fields.String(allow_none=True)
    created_at = fields.String()


class ModerationCreate(StrictSchema):
    """``POST /tenders/{id}/bids/{bid_id}/moderation``."""

    criterion_key = fields.String(required=True, validate=validate.Length(min=1, max=40))
    score = StrictInteger(required=True, validate=validate.Range(min=0, max=5))
    rationale = fields.String(required=True, validate=[
        validate.Length(min=1, max=TEXT_MAX), not_blank])


class ModerationOut(StrictSchema):
    id = fields.String()
    tender_id = fields.String()
    bid_id = fields.String()
    criterion_key = fields.String()
    moderator_id = fields.String()
    score = fields.Integer()
    rationale = fields.String()
    scores = fields.List(fields.Integer())
    revision = fields.Integer()
    supersedes = fields.String(allow_none=True)
    created_at = fields.String()


class ScoreHistory(StrictSchema):
    """Score revisions and moderations of one bid."""

    items = fields.List(fields.Nested(ScoreOut))
    moderation = fields.List(fields.Nested(ModerationOut))


class Evaluation(StrictSchema):
    """``GET /tenders/{id}/evaluation``."""

    tender_id = fields.String()
    status = fields.String()
    mode = fields.String()
    bids = fields.List(fields.Dict())
    panel = fields.Dict()
    divergences = fields.List(fields.Dict())
    conflicts_declared = fields.Boolean()
    bidders = fields.List(fields.Dict())
    my_scores = fields.List(fields.Dict())
