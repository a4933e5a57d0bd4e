"""The portal's new-tender form starts from the API's defaults, so a tender drafted in the
portal is scored by the same rules as one created through the API."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from services.commissioning.domain.tenders import complete_document
from services.gateway.entrypoints.portal.views.tender_form import blank_tender, parse_tender
from shared.methodology import DEFAULT_EVALUATION, DEFAULT_PRICE, default_criteria


def _as_posted(values: dict[str, Any]) -> MultiDict:
    """The form a browser posts when the commissioner changes nothing."""
    form: list[tuple[str, str]] = [("title", "Peer support"), ("service_area", "mental_health")]
    for i, row in enumerate(values["criteria"]):
        prefix = f"criteria.{i}."
        for name in ("key", "title", "category", "weight", "description", "minimum_score"):
            value = row.get(name)
            form.append((prefix + name, "" if value is None else str(value)))
        form.append((prefix + "outcomes_sought", "\n".join(row.get("outcomes_sought") or [])))
        for level, text in row["descriptors"].items():
            form.append((f"{prefix}descriptors.{level}", text))
    evaluation = values["evaluation"]
    form += [("evaluation.mode", evaluation["mode"]),
             ("evaluation.min_evaluators", str(evaluation["min_evaluators"])),
             ("evaluation.min_quality_share", str(evaluation["min_quality_share"])),
             ("evaluation.standstill_working_days", str(evaluation["standstill_working_days"]))]
    if evaluation["require_lived_experience"]:
        form.append(("evaluation.require_lived_experience", "yes"))
    form += [("price.weight", str(values["price"]["weight"])),
             ("price.formula", values["price"]["formula"])]
    return MultiDict(form)


def test_prefilled_criteria_are_the_api_defaults():
    assert blank_tender()["criteria"] == default_criteria()
    assert blank_tender()["criteria"] == complete_document({})["criteria"]


def test_prefilled_evaluation_and_price_are_the_api_defaults():
    values = blank_tender()
    api = complete_document({})
    assert values["evaluation"]["min_quality_share"] == \
        round(api["evaluation"]["min_quality_share"] * 100)  # shown in per cent
    assert {k: v for k, v in values["evaluation"].items() if k != "min_quality_share"} == \
        {k: v for k, v in api["evaluation"].items() if k != "min_quality_share"}
    assert values["price"]["weight"] == api["price"]["weight"] == DEFAULT_PRICE["weight"]
    assert values["price"]["formula"] == api["price"]["formula"]


def test_an_unchanged_form_posts_the_default_rules():
    body, _ = parse_tender(_as_posted(blank_tender()))
    completed = complete_document(body)
    defaults = complete_document({})
    assert completed["criteria"] == defaults["criteria"]
    assert completed["evaluation"] == {**defaults["evaluation"], **DEFAULT_EVALUATION}
    assert completed["price"]["weight"] == defaults["price"]["weight"]
    # In particular no criterion gains a minimum score the API would not set.
    assert [c["minimum_score"] for c in completed["criteria"]] == \
        [c["minimum_score"] for c in default_criteria()]
