"""Offline OCDS 1.1.5 validation: release schema + extensions (JSON Merge Patch), codelists.

The schema files are vendored under ``schema/`` (see ``schema/SOURCES.txt``), so CI needs no
network and nothing outside the repository.
"""

from __future__ import annotations

import copy
import csv
import json
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "ocds"
STANDARD = SCHEMA / "1.1.5"
EXTENSIONS = ("bid_extension", "lots_extension", "awardCriteriaBreakdown_extension",
              "metrics_extension", "otherRequirements_extension", "ocds_uk_extension",
              "submissionTerms_extension", "location_extension")


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


@lru_cache(maxsize=1)
def release_schema() -> dict[str, Any]:
    """The 1.1.5 release schema with every extension's patch merged in."""
    schema = json.loads((STANDARD / "release-schema.json").read_text())
    for name in EXTENSIONS:
        patch = json.loads((SCHEMA / "extensions" / name / "release-schema.json").read_text())
        schema = merge_patch(schema, patch)
    return schema


@lru_cache(maxsize=1)
def codelists() -> dict[str, set[str]]:
    """Every codelist's codes by file name (extension codelists included)."""
    out: dict[str, set[str]] = {}
    folders = [STANDARD / "codelists"] + [SCHEMA / "extensions" / n / "codelists"
                                          for n in EXTENSIONS]
    for folder in folders:
        for path in folder.glob("*.csv") if folder.exists() else ():
            with path.open(newline="", encoding="utf-8") as fh:
                # "+name.csv" adds codes to the standard's codelist (the UK extension does)
                out.setdefault(path.name.lstrip("+"), set()).update(
                    r["Code"] for r in csv.DictReader(fh))
    return out


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/definitions/"), ref
        schema = root["definitions"][ref.split("/")[-1]]
    return schema


def codelist_errors(data: Any, schema: dict[str, Any] | None = None, path: str = "",
                    root: dict[str, Any] | None = None) -> list[str]:
    """Values of codelist fields (open ones too) that are not codes of their codelist."""
    root = root or release_schema()
    schema = _resolve(schema if schema is not None else root, root)
    errors = []
    if "codelist" in schema and data is not None:
        codes = codelists()[schema["codelist"]]
        for value in data if isinstance(data, list) else [data]:
            if value not in codes:
                errors.append(f"{path}: {value!r} not in {schema['codelist']}")
    if isinstance(data, dict):
        for key, value in data.items():
            sub = schema.get("properties", {}).get(key)
            if sub is not None:
                errors += codelist_errors(value, sub, f"{path}/{key}", root)
    elif isinstance(data, list) and isinstance(schema.get("items"), dict):
        for i, value in enumerate(data):
            errors += codelist_errors(value, schema["items"], f"{path}/{i}", root)
    return errors


def _format_checker() -> FormatChecker:
    """Formats checked without optional packages: RFC 3339 ``date-time`` with an offset."""
    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        return "T" in value and parse(value).tzinfo is not None

    return checker


def package_errors(package: dict[str, Any]) -> list[str]:
    """Every schema, codelist and consistency problem of a release package."""
    pkg_schema = json.loads((STANDARD / "release-package-schema.json").read_text())
    pkg_schema["properties"]["releases"]["items"] = {"type": "object"}  # validated below
    checker = _format_checker()
    errors = [f"package{'/'.join(map(str, e.path))}: {e.message}"
              for e in Draft4Validator(pkg_schema, format_checker=checker).iter_errors(package)]
    validator = Draft4Validator(release_schema(), format_checker=checker)
    for i, release in enumerate(package.get("releases", [])):
        errors += [f"releases/{i}/{'/'.join(map(str, e.path))}: {e.message}"
                   for e in validator.iter_errors(release)]
        errors += [f"releases/{i}{e}" for e in codelist_errors(release)]
    ids = [r.get("id") for r in package.get("releases", [])]
    if len(ids) != len(set(ids)):
        errors.append(f"release ids not unique: {ids}")
    dates = [parse(r["date"]) for r in package.get("releases", [])]
    if dates != sorted(dates):
        errors.append(f"release dates decrease: {[r['date'] for r in package['releases']]}")
    return errors


def parse(value: str) -> datetime:
    """An RFC 3339 timestamp."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def bid_details_before(package: dict[str, Any], deadline: str) -> list[str]:
    """Ids of releases dated before ``deadline`` that carry bid details."""
    return [r["id"] for r in package["releases"]
            if parse(r["date"]) < parse(deadline) and (r.get("bids") or {}).get("details")]
