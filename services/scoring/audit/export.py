"""Streamed exports: JSON lines (the stored canonical lines, verbatim) and CSV.

Rows are read in keyset batches on ``seq`` up to the size seen when the export started, so a
million entries never sit in memory and the export is one consistent prefix of the log.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.scoring.audit.models import AuditEntry
from services.scoring.audit.store import log_size
from shared.audit.export import OPTIONAL_FIELDS, REQUIRED_FIELDS

BATCH = 1000
CSV_COLUMNS = (*REQUIRED_FIELDS, *OPTIONAL_FIELDS, "leaf_hash")


def export_size(session_factory: Callable[[], Session], tree_size: int | None) -> int:
    """The number of entries an export will carry (the current size unless a prefix is asked)."""
    with session_factory() as session:
        size = log_size(session)
    return size if tree_size is None else min(tree_size, size)


def _batches(session_factory: Callable[[], Session], size: int) -> Iterator[list[AuditEntry]]:
    after = -1
    with session_factory() as session:
        while after < size - 1:
            rows = session.scalars(select(AuditEntry).where(
                AuditEntry.seq > after, AuditEntry.seq < size)
                .order_by(AuditEntry.seq).limit(BATCH)).all()
            if not rows:
                return
            yield list(rows)
            after = rows[-1].seq
            session.expunge_all()  # keep the identity map from growing with the export


def jsonl_chunks(session_factory: Callable[[], Session], size: int) -> Iterator[bytes]:
    """The first ``size`` entries as canonical JSON lines, one chunk per batch."""
    for rows in _batches(session_factory, size):
        yield b"".join(r.line.encode("utf-8") + b"\n" for r in rows)


def csv_chunks(session_factory: Callable[[], Session], size: int) -> Iterator[bytes]:
    """The first ``size`` entries as CSV with a header row, one chunk per batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    yield buffer.getvalue().encode("utf-8")
    for rows in _batches(session_factory, size):
        buffer.seek(0)
        buffer.truncate()
        for row in rows:
            entry = json.loads(row.line)
            entry["leaf_hash"] = row.leaf_hash
            writer.writerow(["" if entry.get(c) is None else entry[c] for c in CSV_COLUMNS])
        yield buffer.getvalue().encode("utf-8")
