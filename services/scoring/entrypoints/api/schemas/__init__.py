"""Marshmallow schemas of the scoring API, one module per resource."""

from marshmallow import validate

ID = validate.Length(min=1, max=64)
LOT_KEY = validate.Length(min=1, max=32)
TEXT_MAX = 5000
