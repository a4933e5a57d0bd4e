"""Schemas of scoring runs, replays, the award and assessment summaries."""

from __future__ import annotations

from marshmallow import fields, validate

from services.scoring.entrypoints.api.schemas import ID, LOT_KEY, TEXT_MAX
from shared.schemas import StrictSchema


class RunCreate(StrictSchema):
    """``POST /tenders/{id}/scoring-runs``: the body may be left out on a tender without lots."""

    BODY_OPTIONAL = True
    lot_key = fields.String(load_default=None, allow_none=True, validate=LOT_KEY, metadata={
        "description": "the lot to score; required on a tender with lots, refused without"})


class ScoringRun(StrictSchema):
    """``GET /scoring-runs/{id}`` (and the 202 of ``POST /tenders/{id}/scoring-runs``)."""

    run_id = fields.String()
    tender_id = fields.String()
    lot_key = fields.String(allow_none=True)
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
    lot_key = fields.String(allow_none=True)
    bid_id = fields.String()
    run_id = fields.String()
    awarded_at = fields.String()
    standstill_ends_at = fields.String()
    justification = fields.String(allow_none=True)


class NoAwardCreate(StrictSchema):
    """``POST /tenders/{id}/lots/{lot_key}/no-award``."""

    justification = fields.String(required=True, validate=[
        validate.Length(min=1, max=TEXT_MAX),
        validate.Regexp(r"\S", error="Give the reason the lot is not awarded.")])


class NoAward(StrictSchema):
    tender_id = fields.String()
    lot_key = fields.String()
    decided_at = fields.String()
    justification = fields.String()


class AwardStatus(StrictSchema):
    """One lot's decision (one item with ``lot_key`` null on a tender without lots)."""

    lot_key = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": ["pending", "awarded", "unawarded"]})
    bid_id = fields.String(allow_none=True)
    run_id = fields.String(allow_none=True)
    awarded_at = fields.String(allow_none=True)
    standstill_ends_at = fields.String(allow_none=True)
    justification = fields.String(allow_none=True)
    latest_run_id = fields.String(allow_none=True)


class AwardList(StrictSchema):
    """``GET /tenders/{id}/awards``."""

    items = fields.List(fields.Nested(AwardStatus))


class AssessmentSummary(StrictSchema):
    """``GET /bids/{id}/assessment-summary``."""

    bid_id = fields.String()
    tender_id = fields.String()
    lot_key = fields.String(allow_none=True)
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
