"""Bid schemas: BidSubmit (docs/api.md, "Bid body"; typed and bounded) and the responses."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.fields import (
    BoundedDate,
    StrictBoolean,
    StrictInteger,
    StrictNumber,
    Text,
    UniqueItems,
)
from shared.methodology import (
    ASSESSORS,
    BASELINE_COHORT,
    BASELINE_COMPARISON,
    BASELINE_KINDS,
    BASELINE_PER_PERSON,
    BASELINE_VALUE,
    DECLARED_LEVELS,
    LADDER,
    UNITS,
    VALIDATION_METHODS,
)
from shared.schemas import Amount, MoneySchema, StrictSchema

MAX_NARRATIVE = 20_000
MAX_COMMITMENTS = 50
MAX_RESPONSES = 20
SHORT = validate.Length(1, 100)


# Above zero, below 10^15, at most 2 decimal places, no leading zeros.
POSITIVE_AMOUNT = r"^([1-9][0-9]{0,14}(\.[0-9]{1,2})?|0\.(0[1-9]|[1-9][0-9]?))$"


class PositiveAmount(Amount):
    """An amount above zero."""

    def __init__(self) -> None:
        super().__init__(POSITIVE_AMOUNT)

    def __call__(self, value: str) -> str:
        try:
            return super().__call__(value)
        except ValidationError:
            try:
                Amount()(value)
            except ValidationError:
                raise  # the format error
            if Decimal(value) <= 0:
                raise ValidationError("Must be greater than 0.") from None
            raise ValidationError("Must not start with a zero, such as \"120.00\".") from None


class PositiveMoney(MoneySchema):
    """Money with an amount above zero."""

    amount = Text(required=True, validate=PositiveAmount(), metadata={"example": "12345.00"})


class IndicatorSchema(StrictSchema):
    name = Text(required=True, validate=validate.Length(1, 300))
    unit = Text(required=True, validate=validate.OneOf(UNITS))
    instrument = Text(allow_none=True, validate=validate.Length(max=300))


class BaselineSchema(StrictSchema):
    """A baseline as real contracts write it (docs/api.md, "Baselines"): a single `value`
    (the default), each person's own intake score on a named `instrument` (distance
    travelled), or a comparison group / historical cohort named in `description`."""

    kind = Text(validate=validate.OneOf(BASELINE_KINDS))  # absent: "value" (bodies unchanged)
    value = StrictNumber(allow_none=True, metadata={
        "description": "Required when kind is value (the default)."})
    date = BoundedDate(allow_none=True)
    source = Text(allow_none=True, validate=validate.Length(max=500))
    instrument = Text(allow_none=True, validate=validate.Length(1, 300), metadata={
        "description": "Required when kind is per_person_intake; refused otherwise."})
    measured_at = Text(allow_none=True, validate=validate.Length(1, 100))
    description = Text(allow_none=True, validate=validate.Length(1, 500), metadata={
        "description": "Required when kind is comparison_group or historical_cohort."})

    @validates_schema
    def _fields_of_kind(self, data: dict[str, Any], **_: Any) -> None:
        kind = data.get("kind", BASELINE_VALUE)
        if kind == BASELINE_VALUE and data.get("value") is None:
            raise ValidationError({"value": ["Missing data for required field."]})
        if kind == BASELINE_PER_PERSON and not data.get("instrument"):
            raise ValidationError({"instrument": [
                "A per-person intake baseline names the instrument each person is measured on."]})
        if kind in (BASELINE_COMPARISON, BASELINE_COHORT) and not data.get("description"):
            raise ValidationError({"description": [
                f"A {kind.replace('_', ' ')} baseline describes the group compared with."]})
        if kind != BASELINE_PER_PERSON and data.get("instrument") is not None:
            raise ValidationError({"instrument": ["Only a per_person_intake baseline has one."]})


class TargetSchema(StrictSchema):
    value = StrictNumber(required=True)
    by = BoundedDate(allow_none=True)


class OutcomeCommitmentSchema(StrictSchema):
    """One structured outcome commitment (docs/architecture.md, "Outcome commitments")."""

    statement = Text(required=True, validate=validate.Length(1, 2000))
    declared_level = Text(required=True, validate=validate.OneOf(DECLARED_LEVELS))
    indicator = fields.Nested(IndicatorSchema, allow_none=True)
    baseline = fields.Nested(BaselineSchema, allow_none=True)
    target = fields.Nested(TargetSchema, allow_none=True)
    sustainment_period_months = StrictInteger(allow_none=True, validate=validate.Range(0, 240))
    validation_method = Text(allow_none=True, validate=validate.OneOf(VALIDATION_METHODS))
    assessed_by = fields.List(Text(validate=validate.OneOf(ASSESSORS)),
                              validate=[validate.Length(max=len(ASSESSORS)),
                                        UniqueItems("Each assessor may appear once.")])
    co_defined_with_users = StrictBoolean()
    reporting_frequency = Text(allow_none=True, validate=validate.Length(max=50))


class ResponseSchema(StrictSchema):
    """The bid's response to one criterion."""

    criterion_key = Text(required=True, validate=validate.Length(1, 32))
    narrative = Text(load_default="", validate=validate.Length(max=MAX_NARRATIVE))
    outcome_commitments = fields.List(fields.Nested(OutcomeCommitmentSchema),
                                      validate=validate.Length(max=MAX_COMMITMENTS))


class StagesSchema(StrictSchema):
    """Ladder level per Four-Co stage."""

    commissioning = Text(allow_none=True, validate=validate.OneOf(LADDER))
    design = Text(allow_none=True, validate=validate.OneOf(LADDER))
    delivery = Text(allow_none=True, validate=validate.OneOf(LADDER))
    assessment = Text(allow_none=True, validate=validate.OneOf(LADDER))


class CoproductionSchema(StrictSchema):
    """The co-production plan."""

    stages = fields.Nested(StagesSchema, required=True)
    power_sharing = fields.List(Text(validate=SHORT), validate=validate.Length(max=20))
    principles = fields.List(Text(validate=SHORT), validate=validate.Length(max=20))
    reciprocity_offers = fields.List(Text(validate=SHORT), validate=validate.Length(max=20))


class BidSubmit(StrictSchema):
    """A bid's content: price, responses per criterion, co-production plan."""

    price = fields.Nested(PositiveMoney, required=True)
    responses = fields.List(fields.Nested(ResponseSchema), required=True,
                            validate=validate.Length(max=MAX_RESPONSES))
    coproduction = fields.Nested(CoproductionSchema, required=True)
    lot_key = Text(validate=validate.Length(1, 32), metadata={
        "description": "The lot the bid is for: required on a tender with lots, refused on one "
                       "without."})

    @validates_schema
    def _distinct_keys(self, data: dict[str, Any], **_: Any) -> None:
        keys = [r["criterion_key"] for r in data.get("responses") or []]
        for i, key in enumerate(keys):
            if key in keys[:i]:
                raise ValidationError({"responses": {i: {"criterion_key": [
                    f"Duplicate response for criterion {key!r}."]}}})


class ReceiptDocument(Schema):
    document_id = fields.String()
    filename = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    price_schedule = fields.Boolean()


class ReceiptOut(Schema):
    bid_id = fields.String()
    version = fields.Integer()
    submitted_at = fields.String(metadata={"format": "date-time"})
    content_sha256 = fields.String()
    documents = fields.List(fields.Nested(ReceiptDocument), metadata={
        "description": "Each attached document's SHA-256 (absent when there are none)."})


class BidReceipt(Schema):
    """What a submit or replace returns."""

    class Meta:
        ordered = True

    id = fields.String()
    version = fields.Integer()
    status = fields.String()
    tender_id = fields.String()
    tender_version = fields.Integer()
    receipt = fields.Nested(ReceiptOut)


class Bid(Schema):
    """A bid as its reader may see it (``price`` absent for panel members)."""

    class Meta:
        ordered = True

    id = fields.String()
    tender_id = fields.String()
    organisation_id = fields.String()
    organisation_name = fields.String(allow_none=True)
    status = fields.String()
    version = fields.Integer()
    tender_version = fields.Integer()
    needs_confirmation = fields.Boolean()
    lot_key = fields.String(metadata={"description": "Absent on a tender without lots."})
    submitted_at = fields.String(metadata={"format": "date-time"})
    updated_at = fields.String(metadata={"format": "date-time"})
    withdrawn_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    receipt = fields.Nested(ReceiptOut)
    price = fields.Dict()
    responses = fields.List(fields.Dict())
    coproduction = fields.Dict()


class BidList(Schema):
    """A page of bids."""

    items = fields.List(fields.Nested(Bid))
    next_cursor = fields.String(allow_none=True)
