"""Outcome payment schemas (docs/api.md, "Outcome payments")."""

from __future__ import annotations

from marshmallow import Schema, fields

_AMOUNT = {"description": "A decimal string with two places, in the rate card's currency."}


class PaymentLine(Schema):
    outcome_key = fields.String()
    metric_id = fields.String()
    report_id = fields.String(allow_none=True)
    report_version = fields.Integer(allow_none=True)
    outcomes = fields.Integer(metadata={"description": "Validated outcomes (people with the "
                                                       "outcome) counted."})
    price = fields.String(metadata=_AMOUNT)
    gross = fields.String(metadata=_AMOUNT)
    amount = fields.String(metadata=_AMOUNT)
    capped_by = fields.List(fields.String())


class PaymentPeriod(Schema):
    period = fields.Integer()
    lines = fields.List(fields.Nested(PaymentLine))
    cohort = fields.Integer()
    amount = fields.String(metadata=_AMOUNT)
    cumulative = fields.String(metadata=_AMOUNT)
    reasons = fields.List(fields.String())


class PaymentRunSummary(Schema):
    id = fields.String()
    contract_id = fields.String()
    revision = fields.Integer()
    current = fields.Boolean()
    total = fields.String(metadata=_AMOUNT)
    currency = fields.String(allow_none=True)
    model_version = fields.String()
    input_sha256 = fields.String()
    output_sha256 = fields.String()
    calculated_at = fields.String(metadata={"format": "date-time"})


class PaymentRun(PaymentRunSummary):
    periods = fields.List(fields.Nested(PaymentPeriod))
    planned = fields.List(fields.Dict(), metadata={
        "description": "Per outcome: the planned outcomes and amount, and per period."})
    excluded = fields.List(fields.Dict(), metadata={
        "description": "Results not paid (disputed, rejected, not independently validated), "
                       "with the reason."})
    caps = fields.Dict()
    validation = fields.String()
    inputs = fields.Dict(metadata={"description": "The frozen inputs (decided results as "
                                                  "counts; no person is named)."})


class Payments(Schema):
    contract_id = fields.String()
    rate_card = fields.Dict(allow_none=True)
    model_version = fields.String()
    current = fields.Nested(PaymentRun, allow_none=True)
    history = fields.List(fields.Nested(PaymentRunSummary))


class PaymentReplay(Schema):
    payment_run_id = fields.String()
    matches = fields.Boolean()
    input_sha256 = fields.String()
    original_input_sha256 = fields.String(allow_none=True)
    output_sha256 = fields.String()
    original_output_sha256 = fields.String(allow_none=True)
    model_version = fields.String()
    original_model_version = fields.String()
    compared_with = fields.String()
    replayed_at = fields.String(metadata={"format": "date-time"})
