"""Outcome payment runs on a contract with many reported results.

``python -m bench.payments [--results 2000] [--full]`` (``--full``: 10,000 results) builds one
contract with a rate card of 20 priced outcomes (the most a card may hold), each bound to a
metric, and one decided result per metric and period (every 10th disputed, every 7th validated
by the buyer only, so exclusions are exercised), on a fresh SQLite scoring database migrated by
the service's own migrations (the embedded path; no platform, no PostgreSQL). It measures:

- the pure model, ``payments.calculate``, on the frozen inputs (median of 5);
- hashing the inputs (RFC 8785 canonical JSON, SHA-256);
- ``service_layer.payments.run_payments``: the whole job in one transaction (build inputs,
  hash, compute, insert the run, append the audit entry, commit) — a first run, then a
  repeat on unchanged inputs (the idempotent no-op), then a run after one more decision.

Baseline in the same run: summing the same results' gross amounts with plain Python ints
(the least any calculation must do).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import sessionmaker

from bench.common import Report, header
from services.platform import migrations_path
from services.scoring.adapters.tables.performance import ContractRecord
from services.scoring.context import Context
from services.scoring.domain import payments as model
from services.scoring.service_layer import payments as service
from shared.canonical import canonical_sha256
from shared.db import make_engine, transaction
from shared.migrate import upgrade
from shared.time import now

OUTCOMES = 20


def contract_doc(results: int) -> dict[str, Any]:
    """A contract of 20 metrics with ``results / 20`` periods each, every result decided."""
    periods = max(1, results // OUTCOMES)
    schedule = [{"period": p, "start": f"p{p}-start", "end": f"p{p}-end"}
                for p in range(1, periods + 1)]
    metrics = [{"id": f"M{i}", "schedule": schedule} for i in range(1, OUTCOMES + 1)]
    card = {"currency": "GBP", "value_at_risk_percent": "25.00", "validation": "independent",
            "cap_per_person": {"amount": "5000.00", "currency": "GBP"},
            "outcomes": [{"key": f"o{i}", "criterion_key": "Q1", "indicator": f"I{i}",
                          "metric_id": f"M{i}", "price": {"amount": f"{100 + i}.50",
                                                          "currency": "GBP"},
                          "cap": {"amount": "900000.00", "currency": "GBP"},
                          "planned_outcomes": 10 * periods} for i in range(1, OUTCOMES + 1)]}
    decisions: dict[str, list[dict[str, Any]]] = {}
    n = 0
    for p in range(1, periods + 1):
        decided = []
        for m in metrics:
            n += 1
            decided.append({"metric_id": m["id"], "report_id": f"rpt_{n}", "report_version": 1,
                            "decision": "disputed" if n % 10 == 0 else "validated",
                            "decided_by": "commissioner" if n % 7 == 0 else "validator",
                            "people_engaged": 40 + p % 20, "people_with_outcome": 5 + n % 30})
        decisions[str(p)] = decided
    return {"id": "ctr_bench", "title": "Bench contract", "bid_id": "bid_bench",
            "value": {"amount": "50000000.00", "currency": "GBP"}, "metrics": metrics,
            "rate_card": card, "decisions": decisions}


def timed(fn, repeat: int = 1) -> tuple[float, Any]:
    """Median seconds of ``repeat`` calls, and the last result."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.payments", description=__doc__)
    parser.add_argument("--results", type=int, default=2000)
    parser.add_argument("--full", action="store_true", help="10,000 results")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    results = 10_000 if args.full else args.results
    report = Report("payments")
    header(f"outcome payments: one contract, {results} decided results")
    doc = contract_doc(results)
    inputs = service.inputs_of(doc)
    report.add("results", len(inputs["results"]))
    base_s, _ = timed(lambda: sum(int(r["people_with_outcome"]) * 10050
                                  for r in inputs["results"]), 5)
    report.add("baseline_int_sum_ms", round(base_s * 1e3, 3), "ms")
    calc_s, output = timed(lambda: model.calculate(inputs), 5)
    report.add("calculate_ms", round(calc_s * 1e3, 1), "ms")
    report.add("paid_lines", sum(len(p["lines"]) for p in output["periods"]))
    report.add("excluded", len(output["excluded"]))
    hash_s, _ = timed(lambda: canonical_sha256(inputs), 5)
    report.add("hash_inputs_ms", round(hash_s * 1e3, 1), "ms")

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'scoring.db'}"
        upgrade(migrations_path("scoring"), url)
        engine = make_engine(url)
        ctx = Context(session_factory=sessionmaker(engine, expire_on_commit=False), clock=now,
                      redis=lambda: None)
        with transaction(ctx.session_factory) as session:
            session.add(ContractRecord(id=doc["id"], tender_id="tnd_bench", doc=doc,
                                       created_at=now()))
        job = {"schema_version": 1, "event_id": "payments-bench", "contract_id": doc["id"]}
        first_s, recorded = timed(lambda: service.run_payments(ctx, job))
        report.add("run_payments_first_ms", round(first_s * 1e3, 1), "ms")
        repeat_s, again = timed(lambda: service.run_payments(ctx, job))
        report.add("run_payments_repeat_noop_ms", round(repeat_s * 1e3, 1), "ms")
        with transaction(ctx.session_factory) as session:
            row = session.get(ContractRecord, doc["id"])
            decided = dict(row.doc["decisions"])
            first = next(i for i, d in enumerate(decided["1"]) if d["decision"] == "disputed")
            decided["1"] = [{**d, "decision": "validated"} if i == first else d
                            for i, d in enumerate(decided["1"])]  # a dispute resolved
            row.doc = {**row.doc, "decisions": decided}
        revised_s, revised = timed(lambda: service.run_payments(ctx, job))
        report.add("run_payments_revision_ms", round(revised_s * 1e3, 1), "ms")
        report.add("recorded", [recorded, again, revised])
        report.add("db_size_mb", round((Path(tmp) / "scoring.db").stat().st_size / 2**20, 1),
                   "MiB")
        engine.dispose()
    report.add("total_due", output["total"])
    report.dump(args.json)


if __name__ == "__main__":
    main()
