"""Contract, report, review and decision schemas (docs/api.md, "Contracts")."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from services.commissioning.domain.contracts import ASSESSOR_KINDS, DECISIONS, VERDICTS
from shared.fields import BoundedDate, Pattern, StrictInteger, StrictNumber, Text
from shared.methodology import UNITS
from shared.schemas import StrictSchema

COMMENT = validate.Length(1, 5000)


class CohortSchema(StrictSchema):
    """Counts only: how many people the service engaged, how many achieved the outcome."""

    people_engaged = StrictInteger(required=True, validate=validate.Range(0, 10_000_000))
    people_with_outcome = StrictInteger(required=True, validate=validate.Range(0, 10_000_000))


# An http(s) link with a host name and a top-level domain, in ASCII, at most 1,540 characters:
# the OpenAPI's pattern, within what marshmallow's URL check takes. The pattern bounds the
# length itself (a maxLength beside it has schemathesis send 2,000 characters that fit only it).
WEB_LINK = (r"^https?://([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,6}"
            r"(:[0-9]{1,5})?(/[!-~]{0,1000})?$")


class EvidenceSchema(StrictSchema):
    """A piece of evidence: what it is, and a link where it can be read."""

    description = Text(required=True, validate=validate.Length(1, 2000))
    url = fields.Url(load_default=None, allow_none=True, schemes={"https", "http"},
                     validate=Pattern(WEB_LINK, error="Not a valid URL."),
                     metadata={"format": "uri"})


class ReportCreate(StrictSchema):
    """A result for one agreed metric and one reporting period (``reason`` for a correction)."""

    metric_id = Text(required=True, validate=validate.Length(1, 20))
    period = StrictInteger(required=True, validate=validate.Range(1, 10_000))
    value = StrictNumber(required=True, limit=1e12)
    unit = Text(required=True, validate=validate.OneOf(UNITS))
    cohort = fields.Nested(CohortSchema, required=True)
    method = Text(required=True, validate=validate.Length(1, 5000))
    evidence = fields.List(fields.Nested(EvidenceSchema), load_default=list,
                           validate=validate.Length(max=50))
    reason = Text(load_default=None, allow_none=True, validate=validate.Length(max=5000))


class ReviewCreate(StrictSchema):
    """A reviewer's co-assessment of a report."""

    verdict = Text(required=True, validate=validate.OneOf(VERDICTS))
    comment = Text(required=True, validate=COMMENT)


class DecisionCreate(StrictSchema):
    """The buyer's or validator's decision (``reason`` required to dispute or reject)."""

    decision = Text(required=True, validate=validate.OneOf(DECISIONS))
    reason = Text(load_default=None, allow_none=True, validate=validate.Length(max=5000))


class ReplyCreate(StrictSchema):
    """The provider's answer to a dispute."""

    comment = Text(required=True, validate=COMMENT)


class AssessorCreate(StrictSchema):
    """Invite a user to co-assess (``reviewer``) or validate (``validator``) the results."""

    user_id = Text(required=True, validate=validate.Length(1, 100))
    kind = Text(required=True, validate=validate.OneOf(sorted(ASSESSOR_KINDS)))


class TargetChange(StrictSchema):
    value = StrictNumber(required=True)
    by = BoundedDate(allow_none=True, load_default=None)


class BaselineChange(StrictSchema):
    value = StrictNumber(required=True)
    date = BoundedDate(allow_none=True, load_default=None)
    source = Text(allow_none=True, load_default=None, validate=validate.Length(max=500))


class MetricChange(StrictSchema):
    """New values for one agreed metric (only what changes)."""

    target = fields.Nested(TargetChange)
    baseline = fields.Nested(BaselineChange)
    reporting_frequency = Text(validate=validate.Length(1, 50))
    sustainment_period_months = StrictInteger(validate=validate.Range(0, 240))

    @post_load
    def _dates_as_text(self, data: dict, **_: Any) -> dict:
        for part in ("target", "baseline"):
            for key in ("by", "date"):
                if data.get(part) and data[part].get(key) is not None:
                    data[part][key] = data[part][key].isoformat()
        return data


class ChangeCreate(StrictSchema):
    """A proposed change: ``{reason, metrics: {metric_id: {target?, baseline?, ...}}}``."""

    reason = Text(required=True, validate=validate.Length(1, 5000))
    metrics = fields.Dict(keys=fields.String(validate=validate.Length(1, 20)),
                          values=fields.Nested(MetricChange), required=True,
                          validate=validate.Length(min=1, max=50))


class ChangeDecision(StrictSchema):
    """Confirm (the other party) or withdraw (either party) a proposed change."""

    decision = Text(required=True, validate=validate.OneOf(["confirm", "withdraw"]))


class Entry(Schema):
    id = fields.String()
    kind = fields.String(metadata={"enum": ["review", "decision", "reply"]})
    verdict = fields.String(allow_none=True)
    comment = fields.String()
    author_role = fields.String()
    author_id = fields.String(metadata={"description": "Buyer and auditors only."})
    created_at = fields.String(metadata={"format": "date-time"})


class Report(Schema):
    id = fields.String()
    contract_id = fields.String()
    metric_id = fields.String()
    period = fields.Integer()
    version = fields.Integer()
    supersedes = fields.String(allow_none=True)
    value = fields.Float()
    unit = fields.String()
    cohort = fields.Dict()
    method = fields.String()
    evidence = fields.List(fields.Dict())
    reason = fields.String(allow_none=True)
    late = fields.Boolean()
    submitted_at = fields.String(metadata={"format": "date-time"})
    status = fields.String(metadata={"enum": ["submitted", *DECISIONS]})
    entries = fields.List(fields.Nested(Entry))


class ReportList(Schema):
    items = fields.List(fields.Nested(Report))


class Assessor(Schema):
    contract_id = fields.String()
    user_id = fields.String()
    kind = fields.String()
    lived_experience = fields.Boolean()
    invited_at = fields.String(metadata={"format": "date-time"})


class AssessorList(Schema):
    items = fields.List(fields.Nested(Assessor))


class TenderContractQuery(Schema):
    """``GET /tenders/{id}/contract``: which lot's contract, on a tender with lots."""

    lot_key = fields.String(load_default=None, validate=validate.Length(min=1, max=32))


class Contract(Schema):
    """The public contract: no person is named, cohorts are counts."""

    class Meta:
        ordered = True

    id = fields.String()
    tender_id = fields.String()
    lot_key = fields.String(allow_none=True, metadata={
        "description": "The lot the contract was awarded for (null on a tender without lots)."})
    bid_id = fields.String()
    title = fields.String()
    status = fields.String(metadata={"enum": ["pending", "active", "ended"]})
    buyer = fields.Dict()
    supplier = fields.Dict()
    value = fields.Dict(allow_none=True)
    start_date = fields.String(metadata={"format": "date"})
    end_date = fields.String(metadata={"format": "date"})
    version = fields.Integer()
    grace_days = fields.Integer()
    metrics = fields.List(fields.Dict(), metadata={
        "description": "Agreed metrics: the winning bid's outcome commitments, each with its "
                       "reporting schedule (period, start, end, due, late_after, state)."})
    changes = fields.List(fields.Dict())
    results = fields.List(fields.Dict(), metadata={"description": "Validated results."})
    rate_card = fields.Dict(allow_none=True, metadata={
        "description": "The tender's rate card as frozen at its deadline, each outcome bound "
                       "to the agreed metric that measures it (metric_id, or null)."})
    created_at = fields.String(metadata={"format": "date-time"})


class ContractList(Schema):
    """``GET /tenders/{id}/contracts``: one per awarded lot (or the tender's one)."""

    items = fields.List(fields.Nested(Contract))
