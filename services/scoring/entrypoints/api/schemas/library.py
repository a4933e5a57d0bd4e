"""Evidence library schemas (docs/api.md, "Evidence library")."""

from __future__ import annotations

from marshmallow import Schema, fields


class DepthRow(Schema):
    stages = fields.Integer(allow_none=True, metadata={
        "description": "Four-Co stages at co-design or deeper in the winning bid (0-4)."})
    label = fields.String()
    highest_level = fields.String(allow_none=True)
    contracts = fields.Integer()
    targeted = fields.Integer(metadata={"description": "Completed metric-periods."})
    validated = fields.Integer(metadata={"description": "Of those, with a validated result."})
    achieved = fields.Integer(metadata={"description": "Of those, rated met."})
    people_engaged = fields.Integer()
    people_with_outcome = fields.Integer()


class Indicator(Schema):
    key = fields.String()
    name = fields.String()
    unit = fields.String(allow_none=True)
    contracts = fields.Integer()
    frameworks = fields.List(fields.String())
    by_depth = fields.List(fields.Nested(DepthRow))


class Library(Schema):
    model_version = fields.String()
    as_of = fields.String(metadata={"format": "date"})
    indicators = fields.List(fields.Nested(Indicator))


class Framework(Schema):
    id = fields.String()
    contract_id = fields.String()
    tender_id = fields.String(allow_none=True)
    title = fields.String()
    buyer = fields.String(allow_none=True)
    provider = fields.String(allow_none=True)
    depth = fields.Dict()
    indicators = fields.List(fields.Dict())
    criteria = fields.List(fields.Dict())
    rate_card = fields.Dict(allow_none=True)
    tender_template = fields.Dict(metadata={
        "description": "A body for POST /tenders: criteria, rate card and the source cited."})
    evidence = fields.List(fields.Nested(Indicator))
