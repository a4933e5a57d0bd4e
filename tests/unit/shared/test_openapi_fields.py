"""A Dict's JSON Schema counts properties and names them by its key field's rules; a list of
unique items says so."""

from apispec import APISpec
from marshmallow import Schema, fields, validate

from shared.fields import BoundedDate, StrictNumber, Text, UniqueItems, UTCDateTime
from shared.openapi_fields import Plugin


class _Body(Schema):
    scores = fields.Dict(keys=fields.String(validate=validate.OneOf(["0", "1"])),
                         values=fields.String(), validate=validate.Length(1, 5))
    loose = fields.Dict()
    tags = fields.List(fields.String(), validate=UniqueItems())


class _Either(Schema):
    class Meta:
        json_schema = {"oneOf": [{"required": ["a"]}, {"required": ["b"]}]}

    a = fields.String()
    b = fields.String()


def _schemas() -> dict:
    spec = APISpec("t", "1", "3.1.0", plugins=[Plugin()])
    spec.components.schema("Body", schema=_Body)
    spec.components.schema("Either", schema=_Either)
    return spec.to_dict()["components"]["schemas"]


def _props() -> dict:
    return _schemas()["Body"]["properties"]


def test_a_dict_length_counts_properties_and_its_keys_are_named():
    scores = _props()["scores"]
    assert scores["minProperties"] == 1 and scores["maxProperties"] == 5
    assert "minLength" not in scores and "maxLength" not in scores
    assert scores["propertyNames"] == {"type": "string", "enum": ["0", "1"]}


def test_a_dict_with_free_keys_names_none():
    assert "propertyNames" not in _props()["loose"]


def test_a_list_of_unique_items_says_so():
    assert _props()["tags"]["uniqueItems"] is True
    assert "uniqueItems" not in _props()["loose"]


def test_a_schema_states_its_cross_field_rule():
    assert _schemas()["Either"]["oneOf"] == [{"required": ["a"]}, {"required": ["b"]}]


class _Strict(Schema):
    note = Text()
    amount = StrictNumber(limit=100)
    on = BoundedDate()
    at = UTCDateTime()


def test_the_strict_fields_state_what_they_refuse():
    spec = APISpec("t", "1", "3.1.0", plugins=[Plugin()])
    spec.components.schema("Strict", schema=_Strict)
    props = spec.to_dict()["components"]["schemas"]["Strict"]["properties"]
    assert props["note"]["pattern"] == "^[^\\x00]*$"
    assert (props["amount"]["minimum"], props["amount"]["maximum"]) == (-100, 100)
    assert props["on"]["pattern"] == "^(19|2[0-9])[0-9]{2}-"
    assert props["at"]["pattern"] == "^2[0-9]{3}-"
