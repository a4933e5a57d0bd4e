"""Time, the one way: aware UTC datetimes, RFC 3339 text, and an injectable clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def now() -> datetime:
    """The server clock: aware UTC with microseconds (the default ``Clock``)."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; a naive one (SQLite hands those back) is taken as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def rfc3339(value: datetime | None) -> str | None:
    """RFC 3339 UTC with a ``Z`` (microseconds kept when present); None stays None."""
    if value is None:
        return None
    return as_utc(value).isoformat().replace("+00:00", "Z")


def parse_rfc3339(value: str) -> datetime:
    """An RFC 3339 timestamp with an offset, as aware UTC; ``ValueError`` if it is not one."""
    if not isinstance(value, str):
        raise ValueError(f"not an RFC 3339 timestamp: {value!r}")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without a UTC offset: {value!r}")
    return parsed.astimezone(UTC)
