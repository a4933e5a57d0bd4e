"""Contract performance schemas (docs/api.md, "Contract performance")."""

from __future__ import annotations

from marshmallow import Schema, fields


class Measure(Schema):
    metric_id = fields.String()
    period = fields.Integer()
    value = fields.String(metadata={"description": "The validated value, as a decimal string."})
    expected = fields.String(metadata={"description": "Expected by the period's end (3 dp)."})
    achievement = fields.String(metadata={"description": "Share of the expected change (3 dp)."})
    measure_classification = fields.String(metadata={
        "enum": ["met", "slightlyBelow", "below", "significantlyBelow"]})


class Rating(Schema):
    id = fields.String()
    contract_id = fields.String()
    period = fields.Integer()
    revision = fields.Integer()
    current = fields.Boolean()
    rating = fields.String(allow_none=True, metadata={
        "enum": ["Good", "Approaching target", "Requires improvement", "Inadequate", None]})
    measures = fields.List(fields.Nested(Measure))
    reasons = fields.List(fields.String())
    model_version = fields.String()
    input_sha256 = fields.String()
    output_sha256 = fields.String()
    inputs = fields.Dict(metadata={"description": "The frozen inputs (validated figures only)."})
    rated_at = fields.String(metadata={"format": "date-time"})


class Performance(Schema):
    contract_id = fields.String()
    model_version = fields.String()
    bands = fields.Dict(keys=fields.String(), values=fields.String())
    periods = fields.List(fields.Nested(Rating))
    history = fields.List(fields.Nested(Rating))


class RatingReplay(Schema):
    rating_id = fields.String()
    matches = fields.Boolean()
    input_sha256 = fields.String()
    original_input_sha256 = fields.String(allow_none=True)
    output_sha256 = fields.String()
    original_output_sha256 = fields.String(allow_none=True)
    model_version = fields.String()
    original_model_version = fields.String()
    compared_with = fields.String()
    replayed_at = fields.String(metadata={"format": "date-time"})
