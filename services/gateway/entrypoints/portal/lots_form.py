"""The lots part of the tender form: form rows from a tender's lots, lots from the posted rows
(blank rows skipped; no filled row means no lots), and API error paths mapped back to rows."""

from __future__ import annotations

from typing import Any

MAX_LOTS = 20  # the API's limit
BLANK_ROWS = 3  # a new tender shows this many; "add lot rows" adds as many again
TEXT = ("key", "title", "description", "estimated_value", "ceiling", "floor", "reason")
# Each row field's input name after ``lots.{i}.``: the API's own path, so its errors land here.
NAMES = {"key": "key", "title": "title", "description": "description",
         "estimated_value": "estimated_value.amount", "ceiling": "price.ceiling.amount",
         "floor": "price.floor.amount", "reason": "reservation.reason",
         "kinds": "reservation.kinds"}


def blank_row() -> dict[str, Any]:
    """An empty lot row."""
    return {**dict.fromkeys(TEXT, ""), "kinds": [], "own_criteria": False}


def _amount(money: dict[str, Any] | None) -> str:
    return (money or {}).get("amount") or ""


def lot_rows(lots: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Form rows of a tender's lots (without the blank rows: ``padded`` adds them)."""
    rows = []
    for lot in lots or []:
        price, reservation = lot.get("price") or {}, lot.get("reservation") or {}
        rows.append({"key": lot.get("key", ""), "title": lot.get("title", ""),
                     "description": lot.get("description") or "",
                     "estimated_value": _amount(lot.get("estimated_value")),
                     "ceiling": _amount(price.get("ceiling")),
                     "floor": _amount(price.get("floor")),
                     "kinds": list(reservation.get("kinds") or []),
                     "reason": reservation.get("reason") or "",
                     "own_criteria": bool(lot.get("criteria"))})
    return rows


def padded(rows: list[dict[str, Any]], more: int = 0) -> list[dict[str, Any]]:
    """The rows to show: the given ones, then blank ones (a blank last row, and at least
    ``BLANK_ROWS`` rows in all), plus ``more`` blank ones; never beyond ``MAX_LOTS``."""
    ends_blank = bool(rows) and not _filled(rows[-1])
    count = max(len(rows) + (0 if ends_blank else 1), BLANK_ROWS) + max(more, 0)
    return [*rows, *(blank_row() for _ in range(count - len(rows)))][:max(MAX_LOTS, len(rows))]


def _filled(row: dict[str, Any]) -> bool:
    return any(row[name] for name in TEXT) or bool(row["kinds"])


def parse_lots(form) -> tuple[list[dict[str, Any]] | None, list[dict[str, Any]]]:
    """(the API's lots or None, every posted row to redisplay) from the posted form."""
    rows, lots = [], []
    slots = form.get("lots.slots", "")
    count = min(int(slots), MAX_LOTS * 2) if slots.isdigit() else 0
    for i in range(count):
        def get(name: str, i: int = i) -> str:
            return form.get(f"lots.{i}.{NAMES[name]}", "").strip()

        row = {**{name: get(name) for name in TEXT},
               "kinds": form.getlist(f"lots.{i}.reservation.kinds"),
               "own_criteria": form.get(f"lots.{i}.own_criteria") == "yes"}
        rows.append(row)
        if not _filled(row):
            continue
        lot: dict[str, Any] = {"key": row["key"], "title": row["title"]}
        if row["description"]:
            lot["description"] = row["description"]
        if row["estimated_value"]:
            lot["estimated_value"] = {"amount": row["estimated_value"], "currency": "GBP"}
        price = {bound: {"amount": row[bound], "currency": "GBP"}
                 for bound in ("ceiling", "floor") if row[bound]}
        if price:
            lot["price"] = price
        if row["kinds"] or row["reason"]:
            # a reason without kinds goes as typed: the API names reservation.kinds
            lot["reservation"] = {"kinds": row["kinds"], **(
                {"reason": row["reason"]} if row["reason"] else {})}
        lots.append(lot)
    return (lots or None), rows


def keep_own_criteria(lots: list[dict[str, Any]] | None,
                      saved: list[dict[str, Any]] | None) -> None:
    """A lot's own criteria (set through the API; the form does not show them) stay with the
    lot of the same key when the draft is saved from the form."""
    own = {lot["key"]: lot["criteria"] for lot in saved or [] if lot.get("criteria")}
    for lot in lots or []:
        if lot["key"] in own:
            lot["criteria"] = own[lot["key"]]


def lot_fields(rows: list[dict[str, Any]]) -> set[str]:
    """The lots' field paths the form shows (to link API errors to inputs)."""
    return {"lots"} | {f"lots.{i}.{name}" for i in range(len(rows)) for name in NAMES.values()}


def remap_lot_errors(errors: dict[str, list[str]],
                     rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The API counts only the filled rows: ``lots.{n}`` is the n-th filled row of the form."""
    filled = [i for i, row in enumerate(rows) if _filled(row)]
    out: dict[str, list[str]] = {}
    for path, messages in errors.items():
        parts = path.split(".")
        if len(parts) > 1 and parts[0] == "lots" and parts[1].isdigit() \
                and int(parts[1]) < len(filled):
            parts[1] = str(filled[int(parts[1])])
            path = _row_field(".".join(parts))
        out.setdefault(path, []).extend(messages)
    return out


def _row_field(path: str) -> str:
    """The row's input for an API path: ``lots.2.price.floor`` and ``….floor.currency`` are
    the floor's amount (otherwise a path deeper than the inputs would land on ``lots``)."""
    row = ".".join(path.split(".")[:2])
    inputs = [f"{row}.{name}" for name in NAMES.values()]
    parts = path.split(".")
    while len(parts) > 2:
        candidate = ".".join(parts)
        found = next((f for f in inputs if f == candidate or f.startswith(candidate + ".")), None)
        if found:
            return found
        parts.pop()
    return path


def lot_criteria(tender: dict[str, Any], lot_key: str | None) -> list[dict[str, Any]]:
    """The quality criteria a bid of this lot answers: the lot's own, else the tender's."""
    lot = next((x for x in tender.get("lots") or [] if x.get("key") == lot_key), None)
    own = (lot or {}).get("criteria") or tender.get("criteria") or []
    return [c for c in own if c.get("key") != "PRICE"]
