"""Request and response schemas of the scoring API, one per verb."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.schemas import StrictSchema

ID = validate.Length(min=1, max=64)
TEXT_MAX = 5000


def not_blank(value: str) -> None:
    """Reject strings that are only whitespace."""
    if not value.strip():
        raise ValidationError("Must not be blank.")


class StrictInteger(fields.Integer):
    """An integer that refuses booleans, floats and numeric strings."""

    def __init__(self, **kwargs: Any):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class PanelUpdate(StrictSchema):
    """``PUT /tenders/{id}/panel``."""

    evaluators = fields.List(fields.String(validate=ID), required=True,
                             validate=validate.Length(min=1, max=50))
    moderator = fields.String(required=True, validate=ID)


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


class ScoringRun(StrictSchema):
    """``GET /scoring-runs/{id}`` (and the 202 of ``POST /tenders/{id}/scoring-runs``)."""

    run_id = fields.String()
    tender_id = fields.String()
    status = fields.String()
    mode = fields.String()
    model_version = fields.String()
    input_sha256 = fields.String()
    output_sha256 = fields.String(allow_none=True)
    created_at = fields.String()
    started_at = fields.String(allow_none=True)
    completed_at = fields.String(allow_none=True)
    error = fields.String(allow_none=True)
    price_formula = fields.String(allow_none=True)
    lowest_compliant_price = fields.String(allow_none=True)
    tie_break_order = fields.List(fields.String(), allow_none=True)
    ranking = fields.List(fields.Dict())


class Replay(StrictSchema):
    """``POST /scoring-runs/{id}/replay``."""

    run_id = fields.String()
    matches = fields.Boolean()
    output_sha256 = fields.String()
    original_output_sha256 = fields.String()
    input_sha256 = fields.String()
    original_input_sha256 = fields.String()
    model_version = fields.String()
    original_model_version = fields.String()
    compared_with = fields.String(metadata={
        "description": "where the original hashes come from: the tamper-evident audit log"})
    replayed_at = fields.String()


class AwardCreate(StrictSchema):
    """``POST /tenders/{id}/award``."""

    bid_id = fields.String(required=True, validate=ID)
    justification = fields.String(load_default=None, allow_none=True,
                                  validate=validate.Length(max=TEXT_MAX))


class Award(StrictSchema):
    tender_id = fields.String()
    bid_id = fields.String()
    run_id = fields.String()
    awarded_at = fields.String()
    standstill_ends_at = fields.String()
    justification = fields.String(allow_none=True)


class AssessmentSummary(StrictSchema):
    """``GET /bids/{id}/assessment-summary``."""

    bid_id = fields.String()
    tender_id = fields.String()
    tender_title = fields.String(allow_none=True)
    organisation_id = fields.String()
    organisation_name = fields.String(allow_none=True)
    run_id = fields.String()
    model_version = fields.String()
    output_sha256 = fields.String()
    rank = fields.Integer()
    bids_ranked = fields.Integer()
    passed = fields.Boolean()
    total = fields.Float()
    quality = fields.Float()
    quality_share = fields.Float(allow_none=True)
    price_points = fields.Float()
    threshold_failures = fields.List(fields.String())
    criteria = fields.List(fields.Dict())
    price = fields.Dict()
    flags = fields.List(fields.Dict())
    awarded = fields.Boolean()
    award = fields.Nested(Award, allow_none=True)
    winning_bid = fields.Dict(allow_none=True)
