"""Filling the scoring service's real audit log for ``bench.audit``, and its child processes.

Two write paths, both into the service's own tables (``services/scoring/adapters/audit_log.py``,
migrated by ``services/scoring/migrations``):

* :func:`append_service` — ``append_event`` for every event, many per transaction;
* :func:`append_bulk` — the service's lock (``lock_log``), size (``log_size``) and node reads
  (``SqlNodeStore`` under ``merkle.append_many``), but the rows go in with ``COPY``. The rows are
  computed by :func:`entry_rows` exactly as ``append_event`` builds them (same canonical JSON,
  same helpers); :func:`check_rows` compares both on a real batch. Tree heads for milestone
  events are signed with ``heads.publish_tree_head``, as ``append_event``'s commit hook does.

``python -m bench.audit_load export URL FILE`` streams ``export.jsonl_chunks`` to FILE;
``python -m bench.audit_load verify FILE HEAD KEY`` runs ``shared.audit.verify``. Each prints
one JSON line with its time and peak RSS (``resource.getrusage``), see :func:`run_child`.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from services.scoring.adapters.audit_log import (
    MILESTONES,
    _bid_and_criterion,
    _score_value,
    append_event,
)
from services.scoring.adapters.audit_store import SqlNodeStore, lock_log, log_size
from services.scoring.adapters.tables.audit import AuditEntry, AuditNode, AuditPayload
from services.scoring.context import Context
from services.scoring.service_layer.tree_heads import publish_tree_head
from shared.audit.merkle import MemoryNodeStore, append_many, leaf_hash
from shared.canonical import canonical_json, sha256_hex
from shared.db import transaction
from shared.time import now, rfc3339

# (event_type, object_type, actor role, weight): milestones (which sign a head) are rare.
EVENTS = [("bid_assessed", "bid", "system", 30), ("score_recorded", "score", "evaluator", 45),
          ("score_moderated", "score", "moderator", 10),
          ("conflict_declared", "panel", "evaluator", 10),
          ("bids_opened", "tender", "system", 3), ("scoring_run_completed", "scoring_run",
                                                   "system", 2)]
WEIGHTS = [w for *_, w in EVENTS]
EPOCH = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
ENTRY_COLUMNS = ("seq", "event_type", "tender_id", "object_type", "object_id", "bid_id",
                 "criterion_key", "actor_id", "actor_role", "evaluator_id", "occurred_at",
                 "line", "leaf_hash")
PAYLOAD_COLUMNS = ("seq", "payload", "withheld")
Factory = Callable[[], Session]


def _no_redis():
    raise RuntimeError("the audit bench uses no Redis")


def service_context(factory: sessionmaker) -> Context:
    """What the bench calls the service layer with: its database and the real clock; no
    signing key, so heads are signed with the ``AUDIT_SIGNING_KEY`` secret, as in a worker."""
    return Context(session_factory=factory, clock=now, redis=_no_redis)


def make_event(rng: random.Random, number: int, tenders: int) -> dict[str, Any]:
    """Keyword arguments of ``append_event`` for a realistic event (the ``number``-th made)."""
    event_type, object_type, role, _ = rng.choices(EVENTS, WEIGHTS)[0]
    tender = f"tnd_{rng.randrange(tenders):08x}"
    actor = "system:scoring" if role == "system" else f"usr_{rng.getrandbits(48):012x}"
    bid = f"bid_{rng.getrandbits(64):016x}"
    obj = bid if object_type == "bid" else f"{object_type[:3]}_{rng.getrandbits(64):016x}"
    ev: dict[str, Any] = {
        "event_type": event_type, "tender_id": tender, "object_type": object_type,
        "object_id": obj, "actor_id": actor, "actor_role": role,
        "request_id": f"{rng.getrandbits(128):032x}",
        "occurred_at": EPOCH + timedelta(milliseconds=number * 37),
    }
    if event_type in ("score_recorded", "score_moderated", "bid_assessed"):
        score = rng.randrange(0, 6)
        ev.update(model_version="2025.1", inputs_sha256=f"{rng.getrandbits(256):064x}",
                  score=score)
        ev["payload"] = {"bid_id": bid, "criterion_key": f"Q{rng.randrange(1, 8)}",
                         "score": score, "justification": "Meets the outcome with evidence "
                         f"from {rng.randrange(2, 40)} case studies — détaillé."}
        if role != "system":
            ev["evaluator_id"] = actor
    elif event_type == "conflict_declared":
        ev["payload"] = {"bidder_organisation_id": f"org_{rng.getrandbits(32):08x}",
                         "declared": rng.random() < 0.1, "note": "No links with this bidder."}
    elif event_type == "bids_opened":
        ev["payload"] = {"bid_count": rng.randrange(1, 60)}
    else:
        ev["payload"] = {"run_id": f"run_{rng.getrandbits(64):016x}",
                         "ranking": [f"bid_{rng.getrandbits(64):016x}" for _ in range(5)]}
    return ev


def entry_rows(events: Sequence[dict[str, Any]], size: int
               ) -> tuple[list[tuple], list[tuple], list[dict[str, Any]], list[bytes]]:
    """The ``audit_entries`` and ``audit_payloads`` rows ``append_event`` would write for
    ``events`` appended after ``size`` entries, plus the entries and their canonical lines."""
    entries, payloads, docs, lines = [], [], [], []
    for seq, ev in enumerate(events, start=size):
        payload_bytes = canonical_json(ev["payload"])
        doc: dict[str, Any] = {
            "seq": seq, "event_type": ev["event_type"], "tender_id": ev["tender_id"],
            "object_type": ev["object_type"], "object_id": ev["object_id"],
            "actor_id": ev["actor_id"], "actor_role": ev["actor_role"],
            "occurred_at": rfc3339(ev["occurred_at"]), "request_id": ev["request_id"],
            "payload_sha256": sha256_hex(payload_bytes),
        }
        optional = {"model_version": ev.get("model_version"),
                    "inputs_sha256": ev.get("inputs_sha256"),
                    "score": _score_value(ev.get("score")), "evaluator_id": ev.get("evaluator_id")}
        doc.update({k: v for k, v in optional.items() if v is not None})
        line = canonical_json(doc)
        bid_id, criterion_key = _bid_and_criterion(ev["object_type"], ev["object_id"],
                                                   ev["payload"])
        entries.append((seq, ev["event_type"], ev["tender_id"], ev["object_type"],
                        ev["object_id"], bid_id, criterion_key, ev["actor_id"], ev["actor_role"],
                        ev.get("evaluator_id"), ev["occurred_at"], line.decode("utf-8"),
                        leaf_hash(line).hex()))
        payloads.append((seq, payload_bytes.decode("utf-8"), False))
        docs.append(doc)
        lines.append(line)
    return entries, payloads, docs, lines


def append_service(factory: Factory, events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """``append_event`` for every event in one transaction (milestone heads at commit)."""
    with transaction(factory) as session:
        return [append_event(session, **ev) for ev in events]


def append_bulk(factory: Factory, events: Sequence[dict[str, Any]]) -> int:
    """Append ``events`` in one transaction with COPY; the rows are ``append_event``'s."""
    with transaction(factory) as session:
        lock_log(session)
        size = log_size(session)
        entries, payloads, _, _ = entry_rows(events, size)
        nodes = append_many(SqlNodeStore(session), [bytes.fromhex(e[-1]) for e in entries], size)
        conn = session.connection().connection.driver_connection
        with conn.cursor() as cur:
            for table, columns, rows in (("audit_entries", ENTRY_COLUMNS, entries),
                                         ("audit_payloads", PAYLOAD_COLUMNS, payloads),
                                         ("audit_nodes", ("level", "idx", "hash"), nodes)):
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        milestones = [ev["event_type"] for ev in events if ev["event_type"] in MILESTONES]
        if milestones:  # stamped like the commit hook's heads: the latest entry's time
            publish_tree_head(session, "+".join(dict.fromkeys(milestones)),
                              now=max(ev["occurred_at"] for ev in events), seed=None)
    return size + len(events)


def check_rows(factory: Factory, events: Sequence[dict[str, Any]]) -> None:
    """Check what ``append_event`` wrote for ``events`` (the first entries of the log) equals
    :func:`entry_rows` and ``append_many``'s nodes, i.e. what :func:`append_bulk` writes."""
    entries, payloads, _, _ = entry_rows(events, 0)
    mem = MemoryNodeStore()
    for row in entries:
        mem.append_leaf(bytes.fromhex(row[-1]))
    with factory() as session:
        got_entries = [tuple(r) for r in session.execute(
            select(*(getattr(AuditEntry, c) for c in ENTRY_COLUMNS))
            .where(AuditEntry.seq < len(events)).order_by(AuditEntry.seq))]
        got_payloads = [tuple(r) for r in session.execute(
            select(AuditPayload.seq, AuditPayload.payload, AuditPayload.withheld)
            .where(AuditPayload.seq < len(events)).order_by(AuditPayload.seq))]
        got_nodes = {(r.level, r.idx): bytes(r.hash) for r in session.execute(
            select(AuditNode.level, AuditNode.idx, AuditNode.hash))}
    for what, got, want in (("audit_entries", got_entries, entries),
                            ("audit_payloads", got_payloads, payloads),
                            ("audit_nodes", got_nodes, mem.nodes)):
        if got != want:
            raise RuntimeError(f"bulk rows differ from append_event's in {what}")


def run_child(argv: list[str]) -> dict[str, Any]:
    """Run this module's child in a fresh process; return the JSON it printed.

    Started through ``sh``, which forks it: a child exec'd straight from the bench would inherit
    the bench's peak RSS in ``ru_maxrss`` (Linux carries it across exec, and the in-memory tree
    of a 1M-entry log is hundreds of MiB).
    """
    proc = subprocess.run(["/bin/sh", "-c", '"$0" "$@"; exit $?', sys.executable, "-m",
                           "bench.audit_load", *argv], capture_output=True, text=True, check=False)
    if proc.returncode:
        raise RuntimeError(f"{argv[0]} child failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.splitlines()[-1])


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_file(url: str, path: str) -> int:
    """Stream the whole log with ``export.jsonl_chunks`` to ``path``; return its size."""
    from services.scoring.service_layer.audit_export import export_size, jsonl_chunks
    from shared.db import make_engine

    engine = make_engine(url)
    ctx = service_context(sessionmaker(bind=engine, expire_on_commit=False))
    size = export_size(ctx, None)
    with open(path, "wb") as out:
        for chunk in jsonl_chunks(ctx, size):
            out.write(chunk)
    engine.dispose()
    return size


def _child(argv: list[str]) -> None:
    """``export URL FILE`` or ``verify FILE HEAD KEY``: run it, print time and memory as JSON."""
    from shared.audit.verify import verify_export

    rss0 = _peak_rss_mb()
    start = time.perf_counter()
    if argv[0] == "export":
        result: dict[str, Any] = {"entries": export_file(argv[1], argv[2])}
    else:
        report = verify_export(argv[1], tree_head=argv[2], public_key=argv[3])
        result = {"entries": report.entries, "ok": report.ok, "error": report.error,
                  "root_hash": report.root_hash, "checks": report.checks}
    result.update(seconds=time.perf_counter() - start, rss_start_mb=rss0,
                  peak_rss_mb=_peak_rss_mb())
    print(json.dumps(result))


if __name__ == "__main__":
    _child(sys.argv[1:])
