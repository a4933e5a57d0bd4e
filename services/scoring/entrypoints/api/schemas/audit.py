"""Query and response schemas of the audit endpoints."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from shared.schemas import PageQuerySchema

MAX_SIZE = 2**31 - 1
_ID = {"validate": validate.Length(min=1, max=200), "load_default": None}


class EventsQuery(PageQuerySchema):
    """``GET /audit/events`` filters; every one optional, all combined with AND."""

    tender_id = fields.String(**_ID)
    bid_id = fields.String(**_ID)
    actor_id = fields.String(**_ID)
    evaluator_id = fields.String(**_ID)
    object_id = fields.String(**_ID)
    criterion_key = fields.String(validate=validate.Length(min=1, max=40), load_default=None)
    type = fields.String(validate=validate.Length(min=1, max=60), load_default=None)
    since = fields.AwareDateTime(default_timezone=None, load_default=None,
                                 metadata={"description": "RFC 3339, inclusive"})
    until = fields.AwareDateTime(default_timezone=None, load_default=None,
                                 metadata={"description": "RFC 3339, exclusive"})

    @validates_schema
    def _range(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ValidationError("Must not be before since.", "until")


class ProofQuery(Schema):
    """``?tree_size=`` (defaults to the current size)."""

    class Meta:
        unknown = "raise"

    tree_size = fields.Integer(strict=False, load_default=None,
                               validate=validate.Range(min=1, max=MAX_SIZE))


class ConsistencyQuery(Schema):
    """``?first=m&second=n`` with 0 < m <= n (second defaults to the current size)."""

    class Meta:
        unknown = "raise"

    first = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_SIZE))
    second = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_SIZE))


class ExportQuery(Schema):
    """``?format=jsonl|csv`` and an optional prefix ``tree_size``."""

    class Meta:
        unknown = "raise"

    format = fields.String(load_default="jsonl", validate=validate.OneOf(["jsonl", "csv"]))
    tree_size = fields.Integer(load_default=None, validate=validate.Range(min=0, max=MAX_SIZE))


class TreeHead(Schema):
    """A signed tree head."""

    tree_size = fields.Integer()
    root_hash = fields.String()
    timestamp = fields.String()
    key_id = fields.String()
    checkpoint = fields.String()
    signature = fields.String()
    milestone = fields.String()


class PublicKey(Schema):
    """The tree-head signing key."""

    key_id = fields.String()
    algorithm = fields.String()
    public_key = fields.String()


class InclusionProof(Schema):
    """RFC 9162 inclusion proof of one entry."""

    leaf_index = fields.Integer()
    tree_size = fields.Integer()
    audit_path = fields.List(fields.String())
    leaf_hash = fields.String()
    root_hash = fields.String()


class ConsistencyProof(Schema):
    """RFC 9162 consistency proof between two tree sizes."""

    first = fields.Integer()
    second = fields.Integer()
    proof = fields.List(fields.String())
    first_root = fields.String()
    second_root = fields.String()


class EventPage(Schema):
    """A page of entries (canonical fields + leaf_hash + payload unless withheld)."""

    items = fields.List(fields.Dict())
    next_cursor = fields.String(allow_none=True)


class TreeHeadsQuery(Schema):
    """How many of the most recent heads to list."""

    class Meta:
        unknown = RAISE

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class TreeHeadList(Schema):
    """Published tree heads, newest first."""

    items = fields.List(fields.Nested(TreeHead))
