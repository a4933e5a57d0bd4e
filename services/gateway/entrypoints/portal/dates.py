"""Dates and times in forms, the GOV.UK way: day, month and year in separate inputs and the time
in its own (24-hour clock, or 5:30pm), all in UTC, checked here with messages naming the field.

Browser ``datetime-local`` inputs show the reader's locale (US month-first on many phones) and
cannot be read by every assistive technology; these plain text inputs can.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

PARTS = ("day", "month", "year", "time")
TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


def date_parts(value: str | None) -> dict[str, str]:
    """An API timestamp (RFC 3339) → the form's parts in UTC (all blank if absent)."""
    if not value:
        return dict.fromkeys(PARTS, "")
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return dict.fromkeys(PARTS, "")
    time = f"{moment.hour:02d}:{moment.minute:02d}"
    if moment.second:
        time += f":{moment.second:02d}"  # sandbox deadlines seconds away keep their seconds
    return {"day": str(moment.day), "month": str(moment.month), "year": str(moment.year),
            "time": time}


def posted_parts(form: Any, name: str) -> dict[str, str]:
    """The parts of field ``name`` as typed (``name.day``, ``name.month``, ...)."""
    return {part: (form.get(f"{name}.{part}") or "").strip() for part in PARTS}


def _clock(text: str) -> tuple[int, int, int] | None:
    """'17:30', '17:30:05', '5pm', '5:30pm' → (hour, minute, second); None if not a time."""
    match = TIME.match(text.replace(" ", ""))
    if not match:
        return None
    hour, minute, second = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match[4].lower() == "pm" else 0)
    elif match[2] is None:
        return None  # a bare number is ambiguous: 5 in the morning or the afternoon?
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second


def parse_date_time(parts: dict[str, str], label: str) -> tuple[str | None, str | None]:
    """(RFC 3339 in UTC or None if every part is blank, error message or None).

    ``label`` names the field in the message, e.g. "Bids accepted until must include a year".
    """
    if not any(parts.values()):
        return None, None
    missing = [part for part in PARTS if not parts.get(part)]
    if missing:
        words = [("a time" if part == "time" else f"a {part}") for part in missing]
        listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
        return None, f"{label} must include {listed}"
    if not all(parts[part].isdigit() for part in ("day", "month", "year")):
        return None, f"{label} must be a real date, like 27 3 2027"
    if len(parts["year"]) != 4:
        return None, f"{label} must have a year with 4 numbers, like 2027"
    clock = _clock(parts["time"])
    if clock is None:
        return None, f"{label} must have a real time, like 17:30 or 5:30pm"
    try:
        moment = datetime(int(parts["year"]), int(parts["month"]), int(parts["day"]), *clock,
                          tzinfo=UTC)
    except ValueError:
        return None, f"{label} must be a real date, like 27 3 2027"
    return moment.isoformat().replace("+00:00", "Z"), None
