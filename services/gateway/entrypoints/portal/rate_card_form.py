"""The rate card part of the tender form: form values from a card, and a card from the form
(blank rows skipped; no outcome rows means no rate card)."""

from __future__ import annotations

from typing import Any

OUTCOME_FIELDS = ("key", "criterion_key", "indicator", "price", "cap", "planned_outcomes",
                  "description")
MONEY = ("price", "cap")  # posted as {name}.amount, the API's field path


def _amount(money: dict[str, Any] | None) -> str:
    return (money or {}).get("amount") or ""


def card_values(card: dict[str, Any] | None) -> dict[str, Any]:
    """Form values of a rate card (or of none), with one blank outcome row to add."""
    card = card or {}
    rows = [{"key": o.get("key", ""), "criterion_key": o.get("criterion_key", ""),
             "indicator": o.get("indicator", ""), "price": _amount(o.get("price")),
             "cap": _amount(o.get("cap")),
             "planned_outcomes": "" if o.get("planned_outcomes") is None
             else str(o["planned_outcomes"]), "description": o.get("description") or ""}
            for o in card.get("outcomes") or []]
    return {"value_at_risk_percent": card.get("value_at_risk_percent") or "",
            "validation": card.get("validation") or "independent",
            "cap_total": _amount(card.get("cap_total")),
            "cap_per_person": _amount(card.get("cap_per_person")), "outcomes": rows}


def parse_card(form) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """(the API's rate card or None, form values to redisplay) from the posted form."""
    def get(name: str) -> str:
        return form.get(f"rate_card.{name}", "").strip()

    rows, outcomes, i = [], [], 0
    while f"rate_card.outcomes.{i}.key" in form:
        row = {name: get(f"outcomes.{i}.{name}" + (".amount" if name in MONEY else ""))
               for name in OUTCOME_FIELDS}
        rows.append(row)
        if any(row[name] for name in ("key", "indicator", "price")):
            outcome: dict[str, Any] = {"key": row["key"], "criterion_key": row["criterion_key"],
                                       "indicator": row["indicator"],
                                       "price": {"amount": row["price"], "currency": "GBP"}}
            if row["cap"]:
                outcome["cap"] = {"amount": row["cap"], "currency": "GBP"}
            if row["planned_outcomes"]:
                planned = row["planned_outcomes"]
                outcome["planned_outcomes"] = int(planned) if planned.isdigit() else planned
            if row["description"]:
                outcome["description"] = row["description"]
            outcomes.append(outcome)
        i += 1
    values = {"value_at_risk_percent": get("value_at_risk_percent"),
              "validation": get("validation") or "independent",
              "cap_total": get("cap_total.amount"),
              "cap_per_person": get("cap_per_person.amount"), "outcomes": rows}
    if not outcomes:
        return None, values
    card: dict[str, Any] = {"currency": "GBP", "validation": values["validation"],
                            "value_at_risk_percent": values["value_at_risk_percent"],
                            "outcomes": outcomes}
    for name in ("cap_total", "cap_per_person"):
        if values[name]:
            card[name] = {"amount": values[name], "currency": "GBP"}
    return card, values


def card_fields(values: dict[str, Any]) -> set[str]:
    """The rate card's field paths the form shows (to link API errors to inputs)."""
    fields = {"rate_card", "rate_card.value_at_risk_percent", "rate_card.validation",
              "rate_card.cap_total.amount", "rate_card.cap_per_person.amount",
              "rate_card.outcomes"}
    for i in range(len(values["outcomes"]) + 1):
        for name in ("key", "criterion_key", "indicator", "price.amount", "cap.amount",
                     "planned_outcomes", "description"):
            fields.add(f"rate_card.outcomes.{i}.{name}")
    return fields
