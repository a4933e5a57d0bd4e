"""Marshmallow building blocks shared by the services' schemas."""

from __future__ import annotations

import base64
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from shared.errors import Invalid

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class StrictSchema(Schema):
    """Unknown fields are errors, so clients cannot mass-assign what they may not set."""

    class Meta:
        unknown = RAISE
        ordered = True


PLAIN_AMOUNT = re.compile(r"-?[0-9]{1,16}(\.[0-9]{1,2})?")


class MoneySchema(StrictSchema):
    """``{"amount": "12345.00", "currency": "GBP"}`` with the amount as a decimal string."""

    amount = fields.String(required=True, metadata={"example": "12345.00"})
    currency = fields.String(required=True, metadata={"example": "GBP"})

    @validates("amount")
    def _amount(self, value: str, **_: Any) -> None:
        if not isinstance(value, str):
            raise ValidationError("Must be a decimal string.")
        # Only plain ASCII digits: Decimal() would also take "1e6", " 12.00", "+1", "1_000",
        # Arabic-Indic or full-width digits, and the amount is stored as sent.
        if not PLAIN_AMOUNT.fullmatch(value):
            if re.fullmatch(r"-?[0-9]+\.[0-9]{3,}", value):
                raise ValidationError("At most 2 decimal places.")
            raise ValidationError("Must be plain digits with up to 2 decimal places, such as "
                                  "\"12345.00\".")
        try:
            amount = Decimal(value)
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits only decimals
            raise ValidationError("Must be a decimal string such as \"12345.00\".") from exc
        if abs(amount) >= Decimal("1e15"):
            raise ValidationError("Amount too large.")

    @validates("currency")
    def _currency(self, value: str, **_: Any) -> None:
        if len(value) != 3 or not value.isalpha() or not value.isupper():
            raise ValidationError("Must be an ISO 4217 code such as GBP.")


class PageQuerySchema(Schema):
    """``?limit=&cursor=``: limit is 1..200 (refused outside, as the published schema says);
    the cursor is the opaque string a previous page gave."""

    class Meta:
        unknown = RAISE

    limit = fields.Integer(load_default=DEFAULT_PAGE_SIZE,
                           validate=validate.Range(min=1, max=MAX_PAGE_SIZE))
    cursor = fields.String(load_default=None, allow_none=True)


def encode_cursor(value: dict[str, Any]) -> str:
    """An opaque cursor for keyset pagination."""
    raw = json.dumps(value, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    """Decode a cursor, raising ``Invalid`` naming ``cursor`` on garbage."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise Invalid({"cursor": ["Invalid cursor."]}) from exc
    if not isinstance(value, dict):
        raise Invalid({"cursor": ["Invalid cursor."]})
    return value
