"""Lots: a tender split by area or client group, each with its own value, price bounds,
optional own criteria weights and an optional reservation (docs/architecture.md, "Lots")."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from shared.lots import find_lot
from shared.time import parse_rfc3339

TOTAL_WEIGHT = 100
# Organisation kinds a lot may be reserved for (the gateway's bidder kinds, bar "other").
RESERVATION_KINDS = ("social_enterprise", "charity", "cic", "cooperative", "mutual")


def live_key(organisation_id: str, lot_key: str | None) -> str:
    """The value of a bid's unique live key: one live bid per organisation per lot."""
    return organisation_id if lot_key is None else f"{organisation_id}/{lot_key}"


def check_lots(doc: dict[str, Any], *, check_weights: bool) -> dict[str, list[str]]:
    """Cross-field rules of a tender's lots; field path -> messages."""
    errors: dict[str, list[str]] = {}

    def err(path: str, msg: str) -> None:
        errors.setdefault(path, []).append(msg)

    seen: set[str] = set()
    for i, lot in enumerate(doc.get("lots") or []):
        if lot["key"] in seen:
            err(f"lots.{i}.key", f"Duplicate lot key {lot['key']!r}.")
        seen.add(lot["key"])
        price = lot.get("price") or {}
        ceiling, floor = price.get("ceiling"), price.get("floor")
        if ceiling and floor:
            if ceiling["currency"] != floor["currency"]:
                err(f"lots.{i}.price.floor", "Floor and ceiling must be in the same currency.")
            elif Decimal(floor["amount"]) >= Decimal(ceiling["amount"]):
                err(f"lots.{i}.price.floor", "Floor must be lower than the ceiling.")
        own = lot.get("criteria")
        if own:
            keys = [c["key"] for c in own]
            for j, key in enumerate(keys):
                if key in keys[:j]:
                    err(f"lots.{i}.criteria.{j}.key", f"Duplicate criterion key {key!r}.")
            if check_weights:
                total = sum(c["weight"] for c in own) + doc["price"]["weight"]
                if total != TOTAL_WEIGHT:
                    err(f"lots.{i}.criteria", "The lot's criteria weights plus the price "
                                              f"weight must sum to 100 (got {total}).")
    return errors


def lot_refusal(lots: list[dict[str, Any]] | None, lot_key: str | None,
                organisation_kind: str | None) -> tuple[str, str] | None:
    """Why a bid may not go to this lot: ("invalid" | "reserved", message), or None."""
    if not lots:
        return ("invalid", "This tender has no lots.") if lot_key is not None else None
    if lot_key is None:
        return "invalid", "This tender has lots: name the lot the bid is for."
    lot = find_lot(lots, lot_key)
    if lot is None:
        return "invalid", ("Not a lot of this tender (one of "
                           + ", ".join(sorted(x["key"] for x in lots)) + ").")
    kinds = ((lot.get("reservation") or {}).get("kinds")) or []
    if kinds and organisation_kind not in kinds:
        return "reserved", (f"Lot {lot_key} is reserved for {', '.join(kinds)} organisations; "
                            f"yours is registered as {organisation_kind or 'unknown'}.")
    return None


def pending_standstills(decisions: dict[str, dict[str, Any]]) -> dict[str, datetime]:
    """Awarded lots whose contract is not made yet, with when their standstill ends."""
    return {key: parse_rfc3339(d["standstill_ends_at"]) for key, d in decisions.items()
            if d.get("status") == "awarded" and not d.get("concluded")}


def next_standstill(decisions: dict[str, dict[str, Any]], *, every_lot_decided: bool,
                    now: datetime) -> datetime | None:
    """When the sweeper next has work on a tender with lots: the earliest pending standstill;
    once every lot is decided and every contract made, now (to conclude the tender)."""
    pending = pending_standstills(decisions)
    if pending:
        return min(pending.values())
    return now if every_lot_decided else None
