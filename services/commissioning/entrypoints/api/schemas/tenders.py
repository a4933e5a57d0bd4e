"""Tender schemas per verb: TenderCreate, TenderUpdate, AmendmentCreate, Tender (response)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates

from services.commissioning.domain.lifecycle import STATES
from services.commissioning.domain.lots import RESERVATION_KINDS
from shared.fields import (
    StrictBoolean,
    StrictInteger,
    StrictNumber,
    Text,
    UTCDateTime,
)
from shared.methodology import CATEGORIES, FORMULAS, MODES
from shared.schemas import MoneySchema, PageQuerySchema, StrictSchema

KEY_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,31}$"
SCORES = ("0", "1", "2", "3", "4", "5")


class CriterionSchema(StrictSchema):
    """One quality criterion: key, title, category, weight, descriptors, minimum score."""

    key = Text(required=True, validate=validate.Regexp(
        KEY_PATTERN, error="Letters, digits, _ or -, starting with a letter (max 32)."))
    title = Text(required=True, validate=validate.Length(1, 300))
    category = Text(required=True, validate=validate.OneOf(CATEGORIES))
    weight = StrictInteger(required=True, validate=validate.Range(1, 100))
    description = Text(validate=validate.Length(max=10_000))
    minimum_score = StrictInteger(allow_none=True, validate=validate.Range(0, 5))
    outcomes_sought = fields.List(Text(validate=validate.Length(1, 500)),
                                  validate=validate.Length(max=20))
    descriptors = fields.Dict(keys=Text(validate=validate.OneOf(SCORES)),
                              values=Text(validate=validate.Length(1, 2000)),
                              metadata={"description": "Descriptors for scores 0, 1, 3, 5 "
                                        "(2 and 4 optional)."})

    @validates("descriptors")
    def _descriptors(self, value: dict[str, str], **_: Any) -> None:
        missing = [k for k in ("0", "1", "3", "5") if k not in value]
        if value and missing:
            raise ValidationError(f"Descriptors for scores {', '.join(missing)} are required.")


class PriceSchema(StrictSchema):
    """Price weight and formula; ceiling and floor for absolute_benchmark."""

    weight = StrictInteger(required=True, validate=validate.Range(0, 100))
    formula = Text(required=True, validate=validate.OneOf(FORMULAS))
    ceiling = fields.Nested(MoneySchema, allow_none=True)
    floor = fields.Nested(MoneySchema, allow_none=True)


class EvaluationSchema(StrictSchema):
    """Evaluation mode and panel/threshold settings (omitted fields take the defaults)."""

    mode = Text(validate=validate.OneOf(MODES))
    min_evaluators = StrictInteger(validate=validate.Range(1, 20))
    require_lived_experience = StrictBoolean()
    min_quality_share = StrictNumber(limit=1, validate=validate.Range(0, 1))
    standstill_working_days = StrictInteger(validate=validate.Range(0, 60))


PERCENT = r"^(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)$"


class RateCardOutcomeSchema(StrictSchema):
    """One outcome the commissioner pays for, tied to a criterion and an indicator."""

    key = Text(required=True, validate=validate.Regexp(
        KEY_PATTERN, error="Letters, digits, _ or -, starting with a letter (max 32)."))
    criterion_key = Text(required=True, validate=validate.Length(1, 32))
    indicator = Text(required=True, validate=validate.Length(1, 300), metadata={
        "description": "The indicator's name, as bidders must name it in their commitment."})
    description = Text(validate=validate.Length(max=2000))
    price = fields.Nested(MoneySchema, required=True, metadata={
        "description": "Paid per validated outcome (a person with the outcome)."})
    cap = fields.Nested(MoneySchema, allow_none=True, metadata={
        "description": "The most this outcome pays over the contract."})
    planned_outcomes = StrictInteger(allow_none=True, validate=validate.Range(0, 10_000_000))


class RateCardSchema(StrictSchema):
    """What is paid per validated outcome, within which caps (docs/api.md, "Rate cards")."""

    currency = Text(required=True, validate=validate.OneOf(["GBP"]))
    value_at_risk_percent = Text(required=True, validate=validate.Regexp(
        PERCENT, error="A percentage from 0 to 100 with up to 2 decimal places, as a string."))
    cap_total = fields.Nested(MoneySchema, allow_none=True)
    cap_per_person = fields.Nested(MoneySchema, allow_none=True)
    validation = Text(load_default="independent",
                      validate=validate.OneOf(["independent", "any"]))
    outcomes = fields.List(fields.Nested(RateCardOutcomeSchema), required=True,
                           validate=validate.Length(1, 20))


class SourceSchema(StrictSchema):
    """Where a tender's framework came from: an evidence-library entry and its contract."""

    framework_id = Text(required=True, validate=validate.Length(1, 100))
    contract_id = Text(required=True, validate=validate.Length(1, 40))
    title = Text(validate=validate.Length(max=300))


class LotPriceSchema(StrictSchema):
    """A lot's own price bounds (the tender's weight and formula apply)."""

    ceiling = fields.Nested(MoneySchema, allow_none=True)
    floor = fields.Nested(MoneySchema, allow_none=True)


class ReservationSchema(StrictSchema):
    """Who may bid for a reserved lot, and why."""

    kinds = fields.List(Text(validate=validate.OneOf(RESERVATION_KINDS)), required=True,
                        validate=validate.Length(1, len(RESERVATION_KINDS)))
    reason = Text(validate=validate.Length(max=2000))


class LotSchema(StrictSchema):
    """One lot: key, title, description, estimated value, price bounds, optional own criteria
    (their weights plus the price weight sum to 100) and an optional reservation."""

    key = Text(required=True, validate=validate.Regexp(
        KEY_PATTERN, error="Letters, digits, _ or -, starting with a letter (max 32)."))
    title = Text(required=True, validate=validate.Length(1, 300))
    description = Text(validate=validate.Length(max=20_000))
    estimated_value = fields.Nested(MoneySchema, allow_none=True)
    price = fields.Nested(LotPriceSchema, allow_none=True)
    criteria = fields.List(fields.Nested(CriterionSchema), allow_none=True,
                           validate=validate.Length(1, 20))
    reservation = fields.Nested(ReservationSchema, allow_none=True)


class TenderCreate(StrictSchema):
    """A new draft; omitted criteria, price and evaluation take the published defaults."""

    title = Text(required=True, validate=validate.Length(1, 300))
    description = Text(validate=validate.Length(max=50_000))
    service_area = Text(allow_none=True, validate=validate.Length(1, 100))
    estimated_value = fields.Nested(MoneySchema, allow_none=True)
    clarification_deadline = UTCDateTime(allow_none=True)
    submission_deadline = UTCDateTime(allow_none=True)
    evaluation = fields.Nested(EvaluationSchema, allow_none=True)
    price = fields.Nested(PriceSchema, allow_none=True)
    criteria = fields.List(fields.Nested(CriterionSchema), allow_none=True,
                           validate=validate.Length(1, 20))
    rate_card = fields.Nested(RateCardSchema, allow_none=True)
    source = fields.Nested(SourceSchema, allow_none=True)
    lots = fields.List(fields.Nested(LotSchema), allow_none=True, validate=validate.Length(1, 20),
                       metadata={"description": "Optional lots; a tender without them is one "
                                                "contract, as before."})


class TenderUpdate(TenderCreate):
    """A partial change to a draft (or the ``changes`` of an amendment)."""

    title = Text(validate=validate.Length(1, 300))


class AmendmentCreate(StrictSchema):
    """``{changes, reason}`` on a published tender."""

    changes = fields.Nested(TenderUpdate, required=True)
    reason = Text(required=True, validate=validate.Length(1, 5000))

    @validates("changes")
    def _changes(self, value: dict[str, Any], **_: Any) -> None:
        if not value:
            raise ValidationError("At least one change is required.")


class CancelRequest(StrictSchema):
    """``{reason}`` for cancelling a tender."""

    reason = Text(required=True, validate=validate.Length(1, 5000))


class TenderQuery(PageQuerySchema):
    """Filters of ``GET /tenders``."""

    status = fields.String(validate=validate.OneOf(STATES))
    q = fields.String(validate=validate.Length(1, 200))
    service_area = fields.String(validate=validate.Length(1, 100))


# ---- responses -------------------------------------------------------------------------------

class _Out(Schema):
    class Meta:
        ordered = True


class MoneyOut(_Out):
    amount = fields.String()
    currency = fields.String()


class CriterionOut(_Out):
    key = fields.String()
    title = fields.String()
    category = fields.String()
    weight = fields.Integer()
    description = fields.String()
    minimum_score = fields.Integer(allow_none=True)
    outcomes_sought = fields.List(fields.String())
    descriptors = fields.Dict(keys=fields.String(), values=fields.String())


class PriceOut(_Out):
    weight = fields.Integer()
    formula = fields.String()
    ceiling = fields.Nested(MoneyOut, allow_none=True)
    floor = fields.Nested(MoneyOut, allow_none=True)


class EvaluationOut(_Out):
    mode = fields.String()
    min_evaluators = fields.Integer()
    require_lived_experience = fields.Boolean()
    min_quality_share = fields.Float()
    standstill_working_days = fields.Integer()


class AmendmentOut(_Out):
    version = fields.Integer()
    reason = fields.String()
    changes = fields.Dict()
    amended_at = fields.String(metadata={"format": "date-time"})


def _ts(**kwargs: Any) -> fields.String:
    return fields.String(allow_none=True, metadata={"format": "date-time"}, **kwargs)


class Tender(_Out):
    """A tender as clients see it (no bid count, ever, before the deadline)."""

    id = fields.String()
    status = fields.String()
    version = fields.Integer()
    title = fields.String()
    description = fields.String()
    service_area = fields.String(allow_none=True)
    estimated_value = fields.Nested(MoneyOut, allow_none=True)
    clarification_deadline = _ts()
    submission_deadline = _ts()
    evaluation = fields.Nested(EvaluationOut)
    price = fields.Nested(PriceOut)
    criteria = fields.List(fields.Nested(CriterionOut))
    tie_break = fields.List(fields.Dict())
    organisation_id = fields.String()
    organisation_name = fields.String(allow_none=True)
    owner_user_id = fields.String()
    created_at = _ts()
    updated_at = _ts()
    published_at = _ts()
    closed_at = _ts()
    opened_at = _ts()
    cancelled_at = _ts()
    cancel_reason = fields.String(allow_none=True)
    awarded_at = _ts()
    award = fields.Dict(allow_none=True)
    standstill_ends_at = _ts()
    concluded_at = _ts()
    amendments = fields.List(fields.Nested(AmendmentOut))
    rate_card = fields.Dict(allow_none=True, metadata={
        "description": "What is paid per validated outcome (docs/api.md, \"Rate cards\")."})
    source = fields.Dict(allow_none=True, metadata={
        "description": "The evidence-library framework this tender started from."})
    lots = fields.List(fields.Dict(), metadata={"description": "Absent without lots."})


class TenderList(_Out):
    """A page of tenders."""

    items = fields.List(fields.Nested(Tender))
    next_cursor = fields.String(allow_none=True)
