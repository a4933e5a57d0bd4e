"""Audit at scale: append rate, proofs, auditor queries, export and offline verify.

``python -m bench.audit [--entries N] [--full]`` builds a log of N entries (default 100,000;
``--full`` = 1,000,000) with the scoring service's real audit code (``services/scoring/adapters``)
in a fresh PostgreSQL database (``coprocure_bench_audit``) migrated by the service's own Alembic
migrations, and mirrors it in memory. The bulk load goes through ``append_event`` (many per
transaction) or, with ``--load bulk`` (the default above 20,000 entries), ``append_event`` for
the first ``--service-entries`` and then COPY of the rows ``append_event`` would write (see
``bench/audit_load.py``; checked row for row on the first batch). Single appends, proofs,
auditor queries and the export are the service's own functions; the export is verified offline
(``shared.audit.verify``) against a tree head the service signed and against the root computed
in memory. Baselines measured in the same run: raw ``hashlib.sha256`` over the same leaves, and
Merkle append in memory.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bench.audit_load import (
    append_bulk,
    append_service,
    check_rows,
    entry_rows,
    make_event,
    run_child,
    service_context,
)
from bench.common import Report, header, recreate_database, summary_ms
from services.platform import migrations_path
from services.scoring.adapters.audit_log import append_event
from services.scoring.service_layer import audit_queries as queries
from services.scoring.service_layer import tree_heads as heads
from shared.audit.merkle import (
    MemoryNodeStore,
    hashes_from_hex,
    inclusion_proof,
    leaf_hash,
    root,
    verify_consistency,
    verify_inclusion,
)
from shared.canonical import canonical_json
from shared.db import make_engine, transaction
from shared.migrate import upgrade

# --load auto: everything through append_event up to this size; above it append_event runs at
# only ~100-300 entries/s on 2 loaded cores (1M would take hours), so the rest is COPYed.
SERVICE_LOAD_MAX = 20_000


def build(report: Report, factory: sessionmaker, n: int, batch: int, tenders: int,
          via_service: int) -> MemoryNodeStore:
    """Append N entries in batches to the service's tables and to a memory store: the first
    ``via_service`` through ``append_event``, the rest with COPY (``append_bulk``)."""
    rng = random.Random(8)
    mem = MemoryNodeStore()
    t_canon = t_raw = t_mem = t_db = t_service = 0.0
    first = 0  # entries appended through append_event
    for start in range(0, n, batch):
        events = [make_event(rng, s, tenders) for s in range(start, min(n, start + batch))]
        _, _, docs, lines = entry_rows(events, start)
        t0 = time.perf_counter()
        for doc in docs:
            canonical_json(doc)
        t1 = time.perf_counter()
        for line in lines:
            hashlib.sha256(b"\x00" + line).digest()
        t2 = time.perf_counter()
        for line in lines:
            mem.append_leaf(leaf_hash(line))
        t3 = time.perf_counter()
        if start == 0 or start < via_service:
            append_service(factory, events)
            t4 = time.perf_counter()
            first, t_service = first + len(events), t_service + t4 - t3
        else:
            append_bulk(factory, events)
            t4 = time.perf_counter()
        if start == 0 and n > via_service:  # the COPY path must write what append_event does
            check_rows(factory, events)
        t_canon, t_raw, t_mem, t_db = (t_canon + t1 - t0, t_raw + t2 - t1,
                                       t_mem + t3 - t2, t_db + t4 - t3)
        if (start // batch) % max(1, n // batch // 10) == 0:
            report.note(f"appended {start + len(events):,} / {n:,}")
    with factory() as session:
        session.execute(text("ANALYZE"))
        session.commit()
    report.add("baseline_raw_sha256_leaves_per_s", round(n / t_raw))
    report.add("canonical_json_entries_per_s", round(n / t_canon))
    report.add("merkle_append_memory_per_s", round(n / t_mem))
    report.add("merkle_append_memory_vs_raw_sha256", round(t_raw / t_mem, 3))
    report.add("bulk_append_path", "append_event" if first == n else
               f"append_event for the first {first:,}, COPY for the rest")
    report.add("bulk_append_service_per_s", round(first / t_service),
               f"(append_event, {batch} per transaction, entries 0..{first - 1:,})")
    if n > first:
        report.add("bulk_append_copy_per_s", round((n - first) / (t_db - t_service)),
                   f"(COPY of append_event's rows, {batch} per transaction; "
                   "first batch checked row for row)")
    report.add("bulk_append_sql_per_s", round(n / t_db), "(all N, whichever path)")
    return mem


def single_appends(report: Report, factory: sessionmaker, mem: MemoryNodeStore, start: int,
                   count: int, tenders: int) -> None:
    """Service-style appends: ``append_event``, one event per transaction (commit included)."""
    rng = random.Random(9)
    lat = []
    for number in range(start, start + count):
        ev = make_event(rng, number, tenders)
        t0 = time.perf_counter()
        with transaction(factory) as session:
            entry = append_event(session, **ev)
        lat.append(time.perf_counter() - t0)
        mem.append_leaf(leaf_hash(canonical_json(entry)))
    report.add("append_one_per_transaction_per_s", round(count / sum(lat)))
    report.add("append_one_latency", summary_ms(lat))


def proofs(report: Report, factory: sessionmaker, mem: MemoryNodeStore, size: int,
           samples: int) -> None:
    """``queries.inclusion`` / ``queries.consistency`` (one session each, as the API does),
    verified against the memory mirror; the memory proof as a baseline."""
    rng = random.Random(10)
    ctx = service_context(factory)
    top = root(mem, size)
    inc, con, inc_mem = [], [], []
    for _ in range(samples):
        index = rng.randrange(size)
        t0 = time.perf_counter()
        doc = queries.inclusion(ctx, index, None)
        inc.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        inclusion_proof(mem, index, size)
        inc_mem.append(time.perf_counter() - t0)
        leaf = mem.nodes[(0, index)]
        assert doc["tree_size"] == size and doc["root_hash"] == top.hex()
        assert doc["leaf_hash"] == leaf.hex()
        assert verify_inclusion(leaf, index, size, hashes_from_hex(doc["audit_path"]), top)
        m = rng.randrange(1, size)
        t0 = time.perf_counter()
        doc = queries.consistency(ctx, m, None)
        con.append(time.perf_counter() - t0)
        root_m = root(mem, m)
        assert doc["first_root"] == root_m.hex() and doc["second_root"] == top.hex()
        assert verify_consistency(m, size, root_m, top, hashes_from_hex(doc["proof"]))
    report.add("inclusion_proof_sql", summary_ms(inc), "(queries.inclusion)")
    report.add("consistency_proof_sql", summary_ms(con), "(queries.consistency)")
    report.add("inclusion_proof_memory", summary_ms(inc_mem))


def _plan(engine: Engine, statement: str, params: Any) -> str:
    """The access path PostgreSQL picks for one captured statement, as a short string."""
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        plan = raw.execute("EXPLAIN (FORMAT JSON) " + statement, params).fetchone()[0]
    steps: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        label = node["Node Type"]
        if "Index Name" in node:
            label += f" {node['Index Name']}"
        elif "Relation Name" in node:
            label += f" {node['Relation Name']}"
        steps.append(label)
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return " > ".join(steps)


def auditor_queries(report: Report, engine: Engine, factory: sessionmaker, tenders: int,
                    samples: int) -> None:
    """``queries.list_events``: the first page (100 entries) of the log for a random tender."""
    rng = random.Random(11)
    ctx = service_context(factory)
    lat, rows = [], 0
    captured: list[tuple[str, Any]] = []

    def capture(_conn, _cursor, statement, params, _context, _many):
        if "FROM audit_entries" in statement and not captured:
            captured.append((statement, params))

    for i in range(samples):
        tender = f"tnd_{rng.randrange(tenders):08x}"
        if i == 0:
            event.listen(engine, "before_cursor_execute", capture)
        t0 = time.perf_counter()
        page = queries.list_events(ctx, {"tender_id": tender, "limit": 100})
        lat.append(time.perf_counter() - t0)
        if i == 0:
            event.remove(engine, "before_cursor_execute", capture)
        rows += len(page["items"])
    report.add("auditor_query_by_tender", summary_ms(lat),
               f"(queries.list_events, avg {rows / samples:.0f} rows)")
    if captured:
        report.add("auditor_query_plan", _plan(engine, *captured[0]))


def export_and_verify(report: Report, url: str, factory: sessionmaker, mem: MemoryNodeStore,
                      size: int, folder: Path) -> None:
    """Export with ``export.jsonl_chunks`` (child), verify offline against the service's signed
    tree head (child), compare the export's root with the memory root; raw hashing baseline."""
    out = folder / "audit-export.jsonl"
    child = run_child(["export", url, str(out)])
    if child["entries"] != size:
        raise RuntimeError(f"export carried {child['entries']} entries, expected {size}")
    report.add("export_seconds", round(child["seconds"], 2),
               f"({size / child['seconds']:,.0f} entries/s, "
               f"{out.stat().st_size / 2**20:.0f} MiB)")
    report.add("export_peak_rss_mb", round(child["peak_rss_mb"], 1),
               f"(after imports {child['rss_start_mb']:.1f} MiB)")
    ctx = service_context(factory)
    head = heads.current_tree_head(ctx)
    (folder / "tree-head.json").write_text(json.dumps(head))
    (folder / "public-key.json").write_text(json.dumps(heads.public_key_document(ctx)))
    top = root(mem, size).hex()
    if head["tree_size"] != size or head["root_hash"] != top:
        raise RuntimeError(f"service tree head {head['tree_size']}/{head['root_hash']} is not "
                           f"the memory tree {size}/{top}")
    child = run_child(["verify", str(out), str(folder / "tree-head.json"),
                       str(folder / "public-key.json")])
    if not child["ok"]:
        raise RuntimeError(f"offline verify failed: {child['error']}")
    if child["root_hash"] != top:
        raise RuntimeError(f"export root {child['root_hash']} is not the memory root {top}")
    report.add("export_root_matches_memory", True,
               "(and the service-signed tree head verifies)")
    wall = child["seconds"]
    report.add("offline_verify_seconds", round(wall, 2), f"({size / wall:,.0f} entries/s)")
    report.add("offline_verify_peak_rss_mb", round(child["peak_rss_mb"], 1),
               f"(after imports {child['rss_start_mb']:.1f} MiB)")
    t0 = time.perf_counter()
    with open(out, "rb") as lines:
        for line in lines:
            hashlib.sha256(b"\x00" + line[:-1]).digest()
    raw = time.perf_counter() - t0
    report.add("baseline_read_and_sha256_export_seconds", round(raw, 3))
    report.add("offline_verify_vs_raw_sha256", round(wall / raw, 1), "x slower")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the audit bench and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.audit", description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--full", action="store_true", help="1,000,000 entries")
    parser.add_argument("--batch", type=int, default=2000, help="entries per bulk transaction")
    parser.add_argument("--load", choices=("auto", "service", "bulk"), default="auto",
                        help="bulk load all through append_event (service) or COPY its rows "
                             "after --service-entries (bulk); auto = service up to "
                             f"{SERVICE_LOAD_MAX:,} entries")
    parser.add_argument("--service-entries", type=int, default=10_000,
                        help="with --load bulk: entries appended through append_event first")
    parser.add_argument("--appends", type=int, default=1000, help="one-per-transaction appends")
    parser.add_argument("--samples", type=int, default=1000, help="proofs / queries sampled")
    parser.add_argument("--database", default="coprocure_bench_audit")
    parser.add_argument("--json", help="append the figures as a JSON line to this file")
    args = parser.parse_args(argv)
    n = 1_000_000 if args.full else args.entries
    load = args.load if args.load != "auto" else (
        "service" if n <= SERVICE_LOAD_MAX else "bulk")
    via_service = n if load == "service" else min(n, args.service_entries)
    tenders = max(10, n // 500)
    header(f"audit at scale: {n:,} entries, {tenders:,} tenders, bulk load via append_event"
           + ("" if via_service == n else f" ({via_service:,}) then COPY"))
    report = Report("audit")
    report.add("entries", n)
    # Tree heads (milestones, the export's head) are signed with a throwaway key of this run,
    # not a dev key file under var/.
    os.environ.setdefault("COPROCURE_AUDIT_SIGNING_KEY",
                          base64.b64encode(os.urandom(32)).decode())
    url = recreate_database(args.database)
    upgrade(migrations_path("scoring"), url)
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    try:
        mem = build(report, factory, n, args.batch, tenders, via_service)
        single_appends(report, factory, mem, n, args.appends, tenders)
        size = n + args.appends
        proofs(report, factory, mem, size, args.samples)
        auditor_queries(report, engine, factory, tenders, args.samples)
        with tempfile.TemporaryDirectory(prefix="bench-audit-") as folder:
            export_and_verify(report, url, factory, mem, size, Path(folder))
    finally:
        engine.dispose()
    report.dump(args.json)
    return report.figures


if __name__ == "__main__":
    main()
