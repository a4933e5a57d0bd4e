"""Lots as both services read them: a tender split by area or client group, each lot judged
by its own criteria and price bounds (docs/architecture.md, "Lots")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def find_lot(lots: list[dict[str, Any]] | None, key: str | None) -> dict[str, Any] | None:
    """The lot with this key, if the tender has it."""
    return next((lot for lot in lots or [] if lot.get("key") == key), None)


def criteria_of(lot: Mapping[str, Any] | None,
                tender_criteria: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A lot's own criteria, else the tender's."""
    return (lot or {}).get("criteria") or tender_criteria


def lot_keys(tender: Mapping[str, Any]) -> list[str]:
    """The tender's lot keys in published order ([] for a tender without lots)."""
    return [lot["key"] for lot in tender.get("lots") or []]


def lot_view(tender: Mapping[str, Any], lot_key: str | None) -> dict[str, Any]:
    """The tender as one lot's bids are judged: the lot's criteria (else the tender's) and its
    price ceiling and floor (else the tender's), with the tender's price weight and formula.
    ``lot_key`` None: the tender itself. KeyError for a lot the tender does not have."""
    if lot_key is None:
        return dict(tender)
    lot = find_lot(tender.get("lots"), lot_key)
    if lot is None:
        raise KeyError(lot_key)
    view = {k: v for k, v in tender.items() if k != "lots"}
    view["criteria"] = criteria_of(lot, tender.get("criteria") or [])
    price = dict(tender.get("price") or {})
    for bound in ("ceiling", "floor"):
        if (lot.get("price") or {}).get(bound):
            price[bound] = lot["price"][bound]
    view["price"] = price
    view["lot"] = {"key": lot["key"], "title": lot.get("title")}
    return view
