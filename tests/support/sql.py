"""Looking at the SQL a request runs: the statements an engine executes, SQLite's plan of one,
and every page of a cursor-paginated list (the keyset tests)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session


@contextmanager
def statements_run(engine: Engine, *containing: str) -> Iterator[list[tuple[str, Any]]]:
    """(statement, parameters) of each statement run meanwhile that contains every string."""
    seen: list[tuple[str, Any]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if all(part in statement for part in containing):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def sqlite_plan(session: Session, statement: str, parameters: Any) -> str:
    """SQLite's EXPLAIN QUERY PLAN of a captured statement, its steps joined by spaces."""
    return " ".join(str(row[-1]) for row in session.connection().exec_driver_sql(
        f"EXPLAIN QUERY PLAN {statement}", parameters))


def every_page(fetch: Callable[[str], dict[str, Any]], path: str) -> list[dict[str, Any]]:
    """The items of every page of ``path`` (which has a query string), following next_cursor."""
    items, cursor = [], ""
    while True:
        page = fetch(path + cursor)
        items += page["items"]
        if not page["next_cursor"]:
            return items
        cursor = f"&cursor={page['next_cursor']}"
