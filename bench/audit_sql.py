"""A plain PostgreSQL audit log for the audit bench: entries, perfect Merkle nodes, a head row.

Stand-in for ``services/scoring/audit`` until it lands: the same layout DESIGN §6 asks for
(append-only entry rows, append-only node rows keyed by ``(level, index)``, one writer at a time).
Also runnable as ``python -m bench.audit_sql export URL FILE`` (the export child process, so its
peak memory is measured on its own).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from typing import Any

import psycopg

from shared.audit.canonical import canonical_json
from shared.audit.merkle import NewNode, NodeKey, append_many, leaf_hash

COLUMNS = ("seq", "event_type", "tender_id", "object_type", "object_id", "actor_id",
           "actor_role", "occurred_at", "request_id", "payload_sha256", "model_version",
           "inputs_sha256", "score", "evaluator_id")
COLS = ("seq, event_type, tender_id, object_type, object_id, actor_id, actor_role, occurred_at, "
        "request_id, payload_sha256, model_version, inputs_sha256, score, evaluator_id")
INSERT_ENTRY = ("INSERT INTO audit_entries (" + COLS + ") VALUES "  # noqa: S608 - constants
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")
SELECT_ALL = "SELECT " + COLS + " FROM audit_entries ORDER BY seq"  # noqa: S608 - constants
SELECT_BY_TENDER = ("SELECT " + COLS + " FROM audit_entries "  # noqa: S608 - constants
                    "WHERE tender_id = %s AND seq > %s ORDER BY seq LIMIT 100")
OPTIONAL = {"model_version", "inputs_sha256", "score", "evaluator_id"}

DDL = """
CREATE TABLE audit_entries (
  seq bigint PRIMARY KEY, event_type text NOT NULL, tender_id text NOT NULL,
  object_type text NOT NULL, object_id text NOT NULL, actor_id text NOT NULL,
  actor_role text NOT NULL, occurred_at text NOT NULL, request_id text,
  payload_sha256 text NOT NULL, model_version text, inputs_sha256 text, score text,
  evaluator_id text);
CREATE INDEX ix_audit_entries_tender_seq ON audit_entries (tender_id, seq);
CREATE TABLE audit_nodes (level smallint NOT NULL, idx bigint NOT NULL, hash bytea NOT NULL,
  PRIMARY KEY (level, idx));
CREATE TABLE audit_head (id int PRIMARY KEY, size bigint NOT NULL);
INSERT INTO audit_head VALUES (1, 0);
"""


def create_schema(conn: psycopg.Connection) -> None:
    """Create the three tables in an empty database."""
    with conn.transaction():
        conn.execute(DDL)


class SqlNodeStore:
    """``NodeStore`` over ``audit_nodes``: one SELECT per ``get_nodes`` batch."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def get_nodes(self, keys: Sequence[NodeKey]) -> list[bytes]:
        """Return the hashes of ``keys`` in order; ``KeyError`` if one is missing."""
        levels = [k[0] for k in keys]
        idxs = [k[1] for k in keys]
        rows = self.conn.execute(
            "SELECT n.level, n.idx, n.hash FROM unnest(%s::smallint[], %s::bigint[]) AS k(l, i)"
            " JOIN audit_nodes n ON n.level = k.l AND n.idx = k.i", (levels, idxs)).fetchall()
        found = {(lv, ix): bytes(h) for lv, ix, h in rows}
        return [found[k] for k in keys]


def entry_row(entry: dict[str, Any]) -> tuple:
    """The column values of one entry."""
    return tuple(entry.get(c) for c in COLUMNS)


def row_entry(row: Sequence[Any]) -> dict[str, Any]:
    """Rebuild an entry dict from its row (optional fields omitted when NULL)."""
    return {c: v for c, v in zip(COLUMNS, row, strict=True) if not (c in OPTIONAL and v is None)}


def bulk_append(conn: psycopg.Connection, entries: Sequence[dict[str, Any]],
                lines: Sequence[bytes], size: int) -> list[NewNode]:
    """Append a batch in one transaction (COPY entries and nodes); return the new nodes."""
    store = SqlNodeStore(conn)
    with conn.transaction():
        nodes = append_many(store, [leaf_hash(line) for line in lines], size)
        with conn.cursor().copy("COPY audit_entries (" + COLS + ") FROM STDIN") as cp:
            for entry in entries:
                cp.write_row(entry_row(entry))
        with conn.cursor().copy("COPY audit_nodes (level, idx, hash) FROM STDIN") as cp:
            for node in nodes:
                cp.write_row(node)
        conn.execute("UPDATE audit_head SET size = %s WHERE id = 1", (size + len(entries),))
    return nodes


def append_one(conn: psycopg.Connection, entry: dict[str, Any]) -> int:
    """Append one event the way a service would: lock the head, hash, insert, commit."""
    with conn.transaction():
        size = conn.execute("SELECT size FROM audit_head WHERE id = 1 FOR UPDATE").fetchone()[0]
        entry = {**entry, "seq": size}
        line = canonical_json(entry)
        nodes = append_many(SqlNodeStore(conn), [leaf_hash(line)], size)
        conn.execute(INSERT_ENTRY, entry_row(entry))
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO audit_nodes (level, idx, hash) VALUES (%s, %s, %s)",
                            nodes)
        conn.execute("UPDATE audit_head SET size = %s WHERE id = 1", (size + 1,))
    return size


def export(url: str, path: str, batch: int = 5000) -> int:
    """Stream every entry, in seq order, as canonical JSON lines to ``path``."""
    count = 0
    with psycopg.connect(url) as conn, open(path, "wb") as out, conn.cursor("export") as cur:
        cur.itersize = batch
        cur.execute(SELECT_ALL)
        for row in cur:
            out.write(canonical_json(row_entry(row)) + b"\n")
            count += 1
    return count


def vm_hwm_mb() -> float:
    """Peak resident memory of this process image in MiB (VmHWM; clean across exec)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _child(argv: list[str]) -> None:
    """``export URL FILE`` or ``verify FILE HEAD KEY``: run it, print time and memory as JSON."""
    from shared.audit.verify import verify_export

    rss0 = vm_hwm_mb()
    start = time.perf_counter()
    if argv[0] == "export":
        result: dict[str, Any] = {"entries": export(argv[1], argv[2])}
    else:
        report = verify_export(argv[1], tree_head=argv[2], public_key=argv[3])
        result = {"entries": report.entries, "ok": report.ok, "error": report.error}
    result.update(seconds=time.perf_counter() - start, rss_start_mb=rss0,
                  peak_rss_mb=vm_hwm_mb())
    print(json.dumps(result))


if __name__ == "__main__":
    _child(sys.argv[1:])
