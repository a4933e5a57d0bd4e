"""Marshmallow building blocks shared by the services' schemas."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from shared.errors import Invalid
from shared.fields import Pattern, Text

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class StrictSchema(Schema):
    """Unknown fields are errors, so clients cannot mass-assign what they may not set."""

    class Meta:
        unknown = RAISE
        ordered = True


# Plain ASCII digits, at most 2 decimal places, below 10^15 in size: Decimal() would also take
# "1e6", " 12.00", "+1", "1_000", Arabic-Indic or full-width digits, and the amount is stored as
# sent. The OpenAPI states it as the amount's pattern.
AMOUNT_PATTERN = r"^-?[0-9]{1,15}(\.[0-9]{1,2})?$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"


class Amount(Pattern):
    """An amount as a decimal string; the error says what is wrong with it."""

    def __init__(self, pattern: str = AMOUNT_PATTERN):
        super().__init__(pattern)

    def __call__(self, value: str) -> str:
        try:
            return super().__call__(value)
        except ValidationError:
            if re.fullmatch(r"-?[0-9]+\.[0-9]{3,}", value):
                raise ValidationError("At most 2 decimal places.") from None
            if re.fullmatch(r"-?[0-9]{16,}(\.[0-9]*)?", value):
                raise ValidationError("Amount too large.") from None
            raise ValidationError("Must be plain digits with up to 2 decimal places, such as "
                                  "\"12345.00\".") from None


class MoneySchema(StrictSchema):
    """``{"amount": "12345.00", "currency": "GBP"}`` with the amount as a decimal string."""

    amount = Text(required=True, validate=Amount(), metadata={"example": "12345.00"})
    currency = Text(required=True, validate=Pattern(
        CURRENCY_PATTERN, error="Must be an ISO 4217 code such as GBP."),
        metadata={"example": "GBP"})


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
