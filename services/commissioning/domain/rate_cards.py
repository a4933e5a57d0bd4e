"""Rate cards: what the commissioner will pay per validated outcome, published with the tender
(docs/api.md, "Rate cards"). Pure: the card and the tender's criteria in, problems out; and at
contract time each priced outcome bound to the agreed metric that measures it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

VALIDATIONS = ("independent", "any")  # which validation counts: a validator's only, or also
# the buyer's own


def _norm(text: Any) -> str:
    return " ".join(str(text or "").lower().split())


def check(card: dict[str, Any] | None, criteria: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Cross-field problems of a rate card against the tender's criteria (path -> messages)."""
    if not card:
        return {}
    errors: dict[str, list[str]] = {}
    keys = {c["key"] for c in criteria}
    currency = card["currency"]
    for name in ("cap_total", "cap_per_person"):
        cap = card.get(name)
        if cap and cap["currency"] != currency:
            errors[f"rate_card.{name}.currency"] = [f"Must be the rate card's {currency}."]
        elif cap and Decimal(cap["amount"]) <= 0:
            errors[f"rate_card.{name}.amount"] = ["Must be above 0."]
    seen: set[str] = set()
    for i, o in enumerate(card["outcomes"]):
        path = f"rate_card.outcomes.{i}"
        if o["key"] in seen:
            errors[f"{path}.key"] = [f"Duplicate outcome key {o['key']!r}."]
        seen.add(o["key"])
        if o["criterion_key"] not in keys:
            errors[f"{path}.criterion_key"] = [f"Not a criterion of this tender "
                                               f"({', '.join(sorted(keys))})."]
        for name in ("price", "cap"):
            money = o.get(name)
            if money and money["currency"] != currency:
                errors[f"{path}.{name}.currency"] = [f"Must be the rate card's {currency}."]
            elif money and Decimal(money["amount"]) <= 0:
                errors[f"{path}.{name}.amount"] = ["Must be above 0."]
    return errors


def bind(card: dict[str, Any] | None, metrics: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The contract's rate card: each outcome with the ``metric_id`` of the agreed metric under
    its criterion whose indicator has its name (ignoring case and spacing), or None when the
    winning bid made no such commitment (nothing is payable for it)."""
    if not card:
        return None
    outcomes = []
    for o in card["outcomes"]:
        metric = next((m for m in metrics if m.get("criterion_key") == o["criterion_key"]
                       and _norm((m.get("indicator") or {}).get("name")) == _norm(o["indicator"])),
                      None)
        outcomes.append({**o, "metric_id": metric["id"] if metric else None})
    return {**card, "outcomes": outcomes}
