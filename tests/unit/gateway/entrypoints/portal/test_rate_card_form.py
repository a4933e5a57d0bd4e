"""The tender form's rate card: round trip from a card to form values and back, blank rows
skipped, no rows meaning no card, and API error paths the form can show."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from services.gateway.entrypoints.portal.rate_card_form import card_fields, card_values, parse_card
from tests.support.builders import rate_card


def _posted(values):
    form = MultiDict({"rate_card.value_at_risk_percent": values["value_at_risk_percent"],
                      "rate_card.validation": values["validation"],
                      "rate_card.cap_total.amount": values["cap_total"],
                      "rate_card.cap_per_person.amount": values["cap_per_person"]})
    for i, row in enumerate([*values["outcomes"], dict.fromkeys(values["outcomes"][0], "")]):
        for name, value in row.items():
            suffix = ".amount" if name in ("price", "cap") else ""
            form[f"rate_card.outcomes.{i}.{name}{suffix}"] = value
    return form


def test_a_card_survives_the_form_round_trip():
    card = rate_card()
    parsed, values = parse_card(_posted(card_values(card)))
    assert parsed == {k: v for k, v in card.items()}
    assert values["outcomes"][2]["cap"] == "7500.00"


def test_no_outcome_rows_is_no_card_and_typed_values_go_to_the_api_as_typed():
    empty = card_values(None)
    empty["outcomes"] = [dict.fromkeys(("key", "criterion_key", "indicator", "price", "cap",
                                        "planned_outcomes", "description"), "")]
    assert parse_card(_posted(empty))[0] is None
    odd = card_values(rate_card())
    odd["outcomes"][0]["planned_outcomes"] = "lots"
    parsed, _ = parse_card(_posted(odd))
    assert parsed["outcomes"][0]["planned_outcomes"] == "lots"  # the API names the field
    assert "rate_card.outcomes.0.planned_outcomes" in card_fields(odd)
    assert "rate_card.outcomes.3.price.amount" in card_fields(odd)  # the blank row too
