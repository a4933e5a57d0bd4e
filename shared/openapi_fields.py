"""What apispec leaves out of a field's JSON Schema: a Dict's Length counts properties (apispec
writes minLength/maxLength, which JSON Schema ignores on an object) and its key field's rules
name the properties (``propertyNames``); a list validated by UniqueItems has ``uniqueItems``;
a schema's ``Meta.json_schema`` states the cross-field rule its validator checks."""

from __future__ import annotations

from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.openapi import OpenAPIConverter
from marshmallow import fields

from shared.fields import UniqueItems

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


class Converter(OpenAPIConverter):
    """apispec's converter with the attribute functions above and ``Meta.json_schema``."""

    def init_attribute_functions(self) -> None:
        super().init_attribute_functions()
        self.add_attribute_function(dict2counted_properties)
        self.add_attribute_function(unique2items)

    def schema2jsonschema(self, schema: Any) -> dict:
        out = super().schema2jsonschema(schema)
        out.update(getattr(getattr(schema, "Meta", None), "json_schema", {}))
        return out


class Plugin(MarshmallowPlugin):
    """apispec's marshmallow plugin with the converter above."""

    Converter = Converter
