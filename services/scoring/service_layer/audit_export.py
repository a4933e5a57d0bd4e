"""Streamed exports: JSON lines (the stored canonical lines, verbatim) and CSV.

Rows are read in keyset batches on ``seq`` up to the size seen when the export started, so a
million entries never sit in memory and the export is one consistent prefix of the log.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy import select

from services.scoring.adapters.tables.audit import AuditEntry
from services.scoring.service_layer.audit_queries import size_or_current
from shared.audit.export import OPTIONAL_FIELDS, REQUIRED_FIELDS

BATCH = 1000
CSV_COLUMNS = (*REQUIRED_FIELDS, *OPTIONAL_FIELDS, "leaf_hash")

if TYPE_CHECKING:
    from services.scoring.context import Context


def export_size(ctx: Context, tree_size: int | None) -> int:
    """The number of entries an export will carry (the current size unless a prefix is asked)."""
    with ctx.session_factory() as session:
        return size_or_current(session, tree_size)  # a prefix larger than the log is a 400


def _batches(ctx: Context, size: int) -> Iterator[list[tuple[int, str, str]]]:
    """``(seq, line, leaf_hash)`` rows in batches; no transaction stays open across a yield."""
    after = -1
    while after < size - 1:
        with ctx.session_factory() as session:
            rows = session.execute(select(AuditEntry.seq, AuditEntry.line, AuditEntry.leaf_hash)
                                   .where(AuditEntry.seq > after, AuditEntry.seq < size)
                                   .order_by(AuditEntry.seq).limit(BATCH)).all()
        if not rows:
            return
        yield [tuple(r) for r in rows]
        after = rows[-1][0]


def jsonl_chunks(ctx: Context, size: int) -> Iterator[bytes]:
    """The first ``size`` entries as canonical JSON lines, one chunk per batch."""
    for rows in _batches(ctx, size):
        yield b"".join(line.encode("utf-8") + b"\n" for _, line, _ in rows)


def csv_chunks(ctx: Context, size: int) -> Iterator[bytes]:
    """The first ``size`` entries as CSV with a header row, one chunk per batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    yield buffer.getvalue().encode("utf-8")
    for rows in _batches(ctx, size):
        buffer.seek(0)
        buffer.truncate()
        for _, line, leaf in rows:
            entry = json.loads(line)
            entry["leaf_hash"] = leaf
            writer.writerow(["" if entry.get(c) is None else entry[c] for c in CSV_COLUMNS])
        yield buffer.getvalue().encode("utf-8")
