"""Checking an INDIGO project against the INDIGO data standard's project schema 4.1.0, field
by field for the fields coprocure fills.

The standard (github.com/INDIGO-Initiative/indigo-data-standard, release 4.1.0, schema/
project.json) states no licence for its files, so no copy ships here. This is our own JSON
Schema of the fields we implement, written from the published data dictionary with the same
names, nesting, types, date pattern and codelists (enums); ``additionalProperties: false``
makes a field name the standard does not have an error. References are checked too: each
``outcome_metric_id`` names an outcome metric, each ``source_ids`` names sources.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft7Validator

DATE = {"type": "string", "pattern": r"^[0-9]{4}$|^[0-9]{4}-[0-9]{2}$|^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}


def _value(schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": {"value": schema}, "additionalProperties": False}


def _obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required),
            "additionalProperties": False}


STRING, NUMBER = _value({"type": "string"}), _value({"type": "number"})
PERIOD = _obj({"start_date": _value(DATE), "end_date": _value(DATE)})
SOURCE_IDS = {"type": "string"}
METRIC_REF = _value({"type": "string"})
ORG_REF = _value({"type": "string"})

PROJECT = _obj({
    "status": {"type": "string", "enum": ["PUBLIC", "PRIVATE", "DISPUTED"]},
    "name": STRING,
    "dates": _obj({"start_date_of_service_provision": _value(DATE),
                   "anticipated_end_date_of_service_provision": _value(DATE),
                   "source_ids": SOURCE_IDS}),
    "sources": {"type": "array", "minItems": 1, "items": _obj({
        "id": {"type": "string"}, "name": STRING,
        "type": _value({"type": "string", "enum": [
            "Contract", "Report", "Award Notice", "Website", "News piece", "Press release",
            "Email correspondence", "Evaluation report"]}),
        "url": STRING, "accessed_date": STRING}, ("id",))},
    "outcome_metrics": {"type": "array", "minItems": 1, "items": _obj({
        "id": {"type": "string"}, "definition": STRING, "outcome_metric_target": STRING,
        "targeted_number_of_service_users_or_beneficiaries_total": NUMBER,
        "unit_type_of_targeted_service_users_or_beneficiaries": _value(
            {"type": "string", "enum": ["Individual", "Other"]}),
        "outcome_validation_method": STRING, "data_source_for_outcome_validation": STRING,
        "source_ids": SOURCE_IDS}, ("id",))},
    "outcome_pricings": {"type": "array", "items": _obj({
        "outcome_metric_id": METRIC_REF, "currency": STRING,
        "price_per_unit": _obj({"amount": NUMBER}),
        "maximum_price_if_all_targets_achieved": _obj({"amount": STRING}),
        "price_description": STRING, "source_ids": SOURCE_IDS})},
    "results": {"type": "array", "items": _obj({
        "outcome_metric_id": METRIC_REF,
        "result_level": _value({"type": "string", "enum": ["Project level", "Outcome level"]}),
        "result_type": _value({"type": "string", "enum": ["Interim", "Final"]}),
        "period": PERIOD, "outcomes_achieved": STRING,
        "number_engaged_in_impact_bond": NUMBER, "number_with_positive_social_outcomes": NUMBER,
        "source_ids": SOURCE_IDS})},
    "outcome_payments": {"type": "array", "items": _obj({
        "outcome_metric_id": METRIC_REF, "period": PERIOD,
        "payer_organisation_id": ORG_REF, "recipient_organisation_id": ORG_REF,
        "type": _value({"type": "string", "enum": ["Planned", "Actual"]}),
        "money": _obj({"currency": STRING, "amount": NUMBER}),
        "source_ids": SOURCE_IDS, "notes": {"type": "string"}})},
})


def project_errors(document: dict[str, Any]) -> list[str]:
    """Every problem with an INDIGO project document (``{"id", "standard", "data"}``)."""
    if document.get("standard", {}).get("version") != "4.1.0":
        return ["standard.version: not 4.1.0"]
    data = document["data"]
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in Draft7Validator(PROJECT).iter_errors(data)]
    metric_ids = {m["id"] for m in data.get("outcome_metrics") or []}
    source_ids = {s["id"] for s in data.get("sources") or []}
    for section in ("outcome_pricings", "results", "outcome_payments"):
        for i, item in enumerate(data.get(section) or []):
            ref = (item.get("outcome_metric_id") or {}).get("value")
            if ref not in metric_ids:
                errors.append(f"{section}/{i}/outcome_metric_id: {ref!r} is no outcome metric")
    for section, items in data.items():
        for i, item in enumerate(items if isinstance(items, list) else [items]):
            if isinstance(item, dict) and item.get("source_ids"):
                missing = set(item["source_ids"].split(",")) - source_ids
                if missing:
                    errors.append(f"{section}/{i}/source_ids: unknown {sorted(missing)}")
    return errors
