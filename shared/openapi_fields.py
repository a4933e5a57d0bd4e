"""What apispec leaves out of a field's JSON Schema: a Dict's Length counts properties (apispec
writes minLength/maxLength, which JSON Schema ignores on an object) and its key field's rules
name the properties (``propertyNames``); a list validated by UniqueItems has ``uniqueItems``;
a schema's ``Meta.json_schema`` states the cross-field rule its validator checks; the strict
fields of shared/fields.py state their own bounds (no NUL in text, a number's limit, a date's
year)."""

from __future__ import annotations

from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.openapi import OpenAPIConverter
from marshmallow import fields

from shared.fields import BoundedDate, StrictNumber, Text, UniqueItems, UTCDateTime

_COUNTS = (("minLength", "minProperties"), ("maxLength", "maxProperties"))


def dict2counted_properties(self: Any, field: fields.Field, ret: dict, **_: Any) -> dict:
    """An apispec attribute function (bound to its converter): Dict fields only."""
    if not isinstance(field, fields.Dict):
        return {}
    out: dict[str, Any] = {}
    for wrong, right in _COUNTS:
        if wrong in ret:
            out[right] = ret.pop(wrong)
    if field.key_field is not None:
        names = self.field2property(field.key_field)
        if set(names) - {"type"}:
            out["propertyNames"] = names
    return out


def unique2items(self: Any, field: fields.Field, **_: Any) -> dict:
    """An apispec attribute function: ``uniqueItems`` where a UniqueItems validator is."""
    if any(isinstance(v, UniqueItems) for v in field.validators):
        return {"uniqueItems": True}
    return {}


NO_NUL = "^[^\\x00]*$"
YEARS = {BoundedDate: "^(19|2[0-9])[0-9]{2}-", UTCDateTime: "^2[0-9]{3}-"}


def strict2bounds(self: Any, field: fields.Field, ret: dict, **_: Any) -> dict:
    """An apispec attribute function: what Text, StrictNumber and the dates refuse."""
    # A format (email, uri) already excludes NULs; a pattern beside it makes schemathesis
    # "violate the pattern" with values that break only the format.
    if isinstance(field, Text) and not {"pattern", "format", "enum"} & set(ret):
        return {"pattern": NO_NUL}
    if isinstance(field, StrictNumber):
        return {"minimum": ret.get("minimum", -field.limit),
                "maximum": ret.get("maximum", field.limit)}
    for kind, pattern in YEARS.items():
        if isinstance(field, kind) and "pattern" not in ret:
            return {"pattern": pattern}
    return {}


class Converter(OpenAPIConverter):
    """apispec's converter with the attribute functions above and ``Meta.json_schema``."""

    def init_attribute_functions(self) -> None:
        super().init_attribute_functions()
        self.add_attribute_function(dict2counted_properties)
        self.add_attribute_function(unique2items)
        self.add_attribute_function(strict2bounds)

    def schema2jsonschema(self, schema: Any) -> dict:
        out = super().schema2jsonschema(schema)
        out.update(getattr(getattr(schema, "Meta", None), "json_schema", {}))
        return out


class Plugin(MarshmallowPlugin):
    """apispec's marshmallow plugin with the converter above."""

    Converter = Converter
