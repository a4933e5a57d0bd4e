"""Audit at scale: append rate, proofs, auditor queries, export and offline verify.

``python -m bench.audit [--entries N] [--full]`` builds a log of N entries (default 100,000;
``--full`` = 1,000,000) in its own PostgreSQL database (``bench_audit``) with ``shared.audit``'s
Merkle code over a plain SQL table (see ``bench/audit_sql.py``), and in memory. Every figure is
paired with a baseline measured in the same run: raw ``hashlib.sha256`` over the same leaves.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench import audit_sql
from bench.common import Report, header, recreate_database, summary_ms
from shared.audit.canonical import canonical_json
from shared.audit.checkpoint import public_key_document, tree_head
from shared.audit.merkle import (
    MemoryNodeStore,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

EVENTS = [("bid_assessed", "bid", "system"), ("score_recorded", "bid", "evaluator"),
          ("score_moderated", "bid", "moderator"), ("conflict_declared", "panel", "evaluator"),
          ("bids_opened", "tender", "system"), ("scoring_run_completed", "scoring_run", "system")]
EPOCH = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def make_entry(seq: int, rng: random.Random, tenders: int) -> dict[str, Any]:
    """A realistic audit entry (score events carry the optional score fields)."""
    event_type, object_type, role = EVENTS[rng.randrange(len(EVENTS))]
    tender = f"tnd_{rng.randrange(tenders):08x}"
    entry: dict[str, Any] = {
        "seq": seq, "event_type": event_type, "tender_id": tender, "object_type": object_type,
        "object_id": f"{object_type[:3]}_{rng.getrandbits(64):016x}",
        "actor_id": "system:scoring" if role == "system" else f"usr_{rng.getrandbits(48):012x}",
        "actor_role": role,
        "occurred_at": (EPOCH + timedelta(milliseconds=seq * 37)).isoformat(
            timespec="milliseconds").replace("+00:00", "Z"),
        "request_id": f"{rng.getrandbits(128):032x}",
        "payload_sha256": f"{rng.getrandbits(256):064x}",
    }
    if event_type in ("score_recorded", "score_moderated", "bid_assessed"):
        entry.update(model_version="2025.1", inputs_sha256=f"{rng.getrandbits(256):064x}",
                     score=str(rng.randrange(0, 6)))
        if role != "system":
            entry["evaluator_id"] = entry["actor_id"]
    return entry


def build(report: Report, url: str, n: int, batch: int, tenders: int) -> MemoryNodeStore:
    """Append N entries in batches to PostgreSQL and to a memory store; time each part."""
    rng = random.Random(8)
    mem = MemoryNodeStore()
    t_canon = t_raw = t_mem = t_sql = 0.0
    with psycopg.connect(url) as conn:
        audit_sql.create_schema(conn)
        for start in range(0, n, batch):
            entries = [make_entry(s, rng, tenders) for s in range(start, min(n, start + batch))]
            t0 = time.perf_counter()
            lines = [canonical_json(e) for e in entries]
            t1 = time.perf_counter()
            for line in lines:
                hashlib.sha256(b"\x00" + line).digest()
            t2 = time.perf_counter()
            for line in lines:
                mem.append_leaf(leaf_hash(line))
            t3 = time.perf_counter()
            audit_sql.bulk_append(conn, entries, lines, start)
            t4 = time.perf_counter()
            t_canon, t_raw, t_mem, t_sql = (t_canon + t1 - t0, t_raw + t2 - t1,
                                            t_mem + t3 - t2, t_sql + t4 - t3)
            if (start // batch) % max(1, n // batch // 10) == 0:
                report.note(f"appended {start + len(entries):,} / {n:,}")
        conn.execute("ANALYZE")
    report.add("baseline_raw_sha256_leaves_per_s", round(n / t_raw))
    report.add("canonical_json_entries_per_s", round(n / t_canon))
    report.add("merkle_append_memory_per_s", round(n / t_mem))
    report.add("merkle_append_memory_vs_raw_sha256", round(t_raw / t_mem, 3))
    report.add("bulk_append_sql_per_s", round(n / t_sql),
               f"(batches of {batch}: Merkle + COPY, one transaction per batch)")
    return mem


def single_appends(report: Report, url: str, count: int, tenders: int) -> None:
    """Service-style appends: one event per transaction, head row locked."""
    rng = random.Random(9)
    lat = []
    with psycopg.connect(url) as conn:
        for _ in range(count):
            entry = make_entry(0, rng, tenders)
            t0 = time.perf_counter()
            audit_sql.append_one(conn, entry)
            lat.append(time.perf_counter() - t0)
    report.add("append_one_per_transaction_per_s", round(count / sum(lat)))
    report.add("append_one_latency", summary_ms(lat))


def proofs(report: Report, url: str, mem: MemoryNodeStore, size: int, samples: int) -> None:
    """Inclusion and consistency proofs from PostgreSQL (and memory), verified as we go."""
    rng = random.Random(10)
    top = root(mem, size)
    inc, con, inc_mem = [], [], []
    with psycopg.connect(url, autocommit=True) as conn:
        store = audit_sql.SqlNodeStore(conn)
        for _ in range(samples):
            index = rng.randrange(size)
            t0 = time.perf_counter()
            path = inclusion_proof(store, index, size)
            inc.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            inclusion_proof(mem, index, size)
            inc_mem.append(time.perf_counter() - t0)
            assert verify_inclusion(mem.nodes[(0, index)], index, size, path, top)
            m = rng.randrange(1, size)
            t0 = time.perf_counter()
            cproof = consistency_proof(store, m, size)
            con.append(time.perf_counter() - t0)
            assert verify_consistency(m, size, root(mem, m), top, cproof)
    report.add("inclusion_proof_sql", summary_ms(inc))
    report.add("consistency_proof_sql", summary_ms(con))
    report.add("inclusion_proof_memory", summary_ms(inc_mem))


def auditor_queries(report: Report, url: str, tenders: int, samples: int) -> None:
    """First page (100 entries) of the log filtered by tender, newest-first cursor-free."""
    rng = random.Random(11)
    lat, rows = [], 0
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(samples):
            tender = f"tnd_{rng.randrange(tenders):08x}"
            t0 = time.perf_counter()
            got = conn.execute(audit_sql.SELECT_BY_TENDER, (tender, -1)).fetchall()
            lat.append(time.perf_counter() - t0)
            rows += len(got)
    report.add("auditor_query_by_tender", summary_ms(lat), f"(avg {rows / samples:.0f} rows)")


def _run_child(argv: list[str]) -> dict[str, Any]:
    """Run ``bench.audit_sql`` in a fresh process; return what it printed."""
    proc = subprocess.run([sys.executable, "-m", "bench.audit_sql", *argv], capture_output=True,
                          text=True, check=False)
    if proc.returncode:
        raise RuntimeError(f"{argv} failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.splitlines()[-1])


def export_and_verify(report: Report, url: str, mem: MemoryNodeStore, size: int,
                      folder: Path) -> None:
    """Export (child process), sign a tree head, verify offline (child); baseline raw hashing."""
    out = folder / "audit-export.jsonl"
    child = _run_child(["export", url, str(out)])
    report.add("export_seconds", round(child["seconds"], 2),
               f"({size / child['seconds']:,.0f} entries/s, "
               f"{out.stat().st_size / 2**20:.0f} MiB)")
    report.add("export_peak_rss_mb", round(child["peak_rss_mb"], 1),
               f"(after imports {child['rss_start_mb']:.1f} MiB)")
    key = Ed25519PrivateKey.generate()
    head = tree_head(key, size, root(mem, size), "2025-01-06T09:00:00Z")
    (folder / "tree-head.json").write_text(json.dumps(head))
    (folder / "public-key.json").write_text(json.dumps(public_key_document(key.public_key())))
    child = _run_child(["verify", str(out), str(folder / "tree-head.json"),
                        str(folder / "public-key.json")])
    if not child["ok"]:
        raise RuntimeError(f"offline verify failed: {child['error']}")
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
    parser.add_argument("--appends", type=int, default=1000, help="one-per-transaction appends")
    parser.add_argument("--samples", type=int, default=1000, help="proofs / queries sampled")
    parser.add_argument("--database", default="bench_audit")
    parser.add_argument("--json", help="append the figures as a JSON line to this file")
    args = parser.parse_args(argv)
    n = 1_000_000 if args.full else args.entries
    tenders = max(10, n // 500)
    header(f"audit at scale: {n:,} entries, {tenders:,} tenders")
    report = Report("audit")
    report.add("entries", n)
    url = recreate_database(args.database)
    mem = build(report, url, n, args.batch, tenders)
    single_appends(report, url, args.appends, tenders)
    size = n + args.appends
    with psycopg.connect(url) as conn:  # keep the memory mirror in step with the SQL log
        for (h,) in conn.execute("SELECT hash FROM audit_nodes WHERE level = 0 AND idx >= %s "
                                 "ORDER BY idx", (n,)):
            mem.append_leaf(bytes(h))
    proofs(report, url, mem, size, args.samples)
    auditor_queries(report, url, tenders, args.samples)
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as folder:
        export_and_verify(report, url, mem, size, Path(folder))
    report.dump(args.json)
    return report.figures


if __name__ == "__main__":
    main()
