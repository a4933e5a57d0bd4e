"""The standstill clock: a number of working days (Monday to Friday) after the award."""

from __future__ import annotations

from datetime import datetime, timedelta


def add_working_days(start: datetime, days: int) -> datetime:
    """``start`` moved forward by ``days`` working days (weekends skipped; 0 returns start)."""
    if days < 0:
        raise ValueError("working days cannot be negative")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current
