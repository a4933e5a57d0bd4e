"""Scoring throughput: one tender with N bids, from close to assessed, then a scoring run.

``python -m bench.scoring [--bids 1000] [--full]`` (``--full``: 10,000 bids) starts the whole
platform, publishes one tender (automatic evaluation, so a scoring run needs no panel scores),
stops the scheduler, **seeds the bids through the commissioning service layer**
(``service_layer.bids.submit_bid`` in this process, a clock frozen before the deadline; bodies
vary ``services/demo/scenario.py``), then restarts the scheduler: its close sweeper closes the
tender, the outbox relay delivers the real ``TenderClosed`` (every opened bid) and a real
scoring worker runs ``assess_tender``. The commissioner then asks for a scoring run through the
gateway and the bench waits for the worker's ``run_scoring``.
Baselines, in this process on the same inputs: ``assess_bids`` on the delivered TenderClosed
payload and ``compute_scoring_run`` on the run's frozen inputs; plus a ladder of
``assess_bids`` at growing sizes showing it scales as O(n log n).
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

from bench.common import Report, header, platform_env, running_platform
from bench.fixtures import BENCH_ENV, bid_body, staff_client
from services.demo import scenario
from shared.contracts import opened_bids_page
from shared.identity import Identity


def seed_bids(plat: Any, tender: dict[str, Any], n: int, report: Report) -> None:
    """Submit ``n`` sealed bids through the commissioning service layer (clock before deadline)."""
    os.environ.update(plat.environment())
    from services.commissioning.context import process_context

    # Imported by name: the commissioning service layer is resolved at run time.
    submit_bid = importlib.import_module("services.commissioning.service_layer.bids").submit_bid

    ctx = process_context()
    frozen = ctx.clock()  # just after publication, before the deadline
    ctx.clock = lambda: frozen
    rng = random.Random(3)
    t0 = time.perf_counter()
    for i in range(n):
        who = Identity(user_id=f"usr_seed{i:06d}", organisation_id=f"org_seed{i:06d}",
                       roles=("bidder",), email=f"seed{i}@bench.example",
                       organisation_name=f"Seeded Bidder {i}")
        status, _ = submit_bid(ctx, who, tender["id"], bid_body(rng), None)
        assert status == 201
        if (i + 1) % max(1, n // 5) == 0:
            report.note(f"seeded {i + 1:,} / {n:,}")
    report.add("seed_bids_per_s", round(n / (time.perf_counter() - t0), 1),
               "(commissioning service layer, in-process)")


def poll(query: str, url: str, params: tuple, timeout: float, interval: float = 0.25) -> Any:
    """Poll a query until it returns a row whose first column is not NULL."""
    stop = time.monotonic() + timeout
    while time.monotonic() < stop:
        with psycopg.connect(url) as conn:
            row = conn.execute(query, params).fetchone()
        if row and row[0] is not None:
            return row
        time.sleep(interval)
    return None


def close_and_assess(report: Report, extra: dict[str, str], tender_id: str, n: int,
                     timeout: float, restarted: float) -> dict[str, Any] | None:
    """Wait for the real close, delivery and assessment; report each step; return the payload."""
    com, sco = (extra[f"COPROCURE_{s}_DATABASE_URL"] for s in ("COMMISSIONING", "SCORING"))
    # Only small columns while waiting: fetching the ~50 MB payload on every poll would load
    # the very database and cores being measured.
    # (nor read the payload's tender id: that parses the whole JSON on every poll).
    job = (f"assess-{tender_id}-%",)
    row = poll("SELECT created_at FROM outbox WHERE event_type = 'TenderClosed' "
               "AND job_id LIKE %s", com, job, timeout)
    if row is None:
        report.add("closed", f"not closed within {timeout:g}s")
        return None
    closed = row[0].timestamp()
    report.add("scheduler_restart_to_closed_s", round(closed - restarted, 2),
               "(sweeper, close, open bids, TenderClosed in the outbox)")
    row = poll("SELECT sent_at FROM outbox WHERE event_type = 'TenderClosed' "
               "AND job_id LIKE %s", com, job, timeout)
    if row:
        report.add("closed_to_delivered_s", round(row[0].timestamp() - closed, 2))
    # Seen committed, not the assessed_at stamp: that is taken before the rows are written.
    row = poll("SELECT assessed_at FROM tenders WHERE id = %s AND assessed_at IS NOT NULL", sco,
               (tender_id,), timeout, interval=0.1)
    if row is None:
        report.add("close_to_assessed", f"not done within {timeout:g}s of the close")
        return None
    took = time.time() - closed
    report.add("close_to_assessed_stamp_s", round(row[0].timestamp() - closed, 2),
               "(assessed_at: the assessment done, its rows not yet written)")
    report.add("close_to_assessed_s", round(took, 2), f"({n / took:,.1f} bids/s)")
    return _closed_payload(com, tender_id)


def _closed_payload(url: str, tender_id: str) -> dict[str, Any] | None:
    """The TenderClosed payload as delivered (for the in-process baseline), with its bids
    inline (a large close sends them by reference: read from the outbox's blobs)."""
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT payload, job_id FROM outbox WHERE event_type = "
                           "'TenderClosed' AND job_id LIKE %s",
                           (f"assess-{tender_id}-%",)).fetchone()
        if row is None:
            return None
        payload, job_id = row
        if "bids_ref" in payload:
            pages = dict(conn.execute("SELECT key, body FROM outbox_blobs WHERE job_id = %s",
                                      (job_id,)).fetchall())
            payload["bids"] = [bid for page in payload.pop("bids_ref")["pages"]
                               for bid in opened_bids_page(page, bytes(pages[page["key"]]))[0]]
    return payload


def scoring_run(report: Report, commissioner: Any, extra: dict[str, str], tender_id: str,
                n: int, timeout: float) -> dict[str, Any] | None:
    """Ask for a scoring run through the gateway; wait for the worker; return its inputs."""
    t0 = time.time()
    queued = commissioner.post(f"/tenders/{tender_id}/scoring-runs")
    report.add("run_request_s", round(time.time() - t0, 2), "(freeze inputs, queue the job)")
    sco = extra["COPROCURE_SCORING_DATABASE_URL"]
    row = poll("SELECT completed_at, started_at, status, inputs, error FROM scoring_runs "
               "WHERE id = %s", sco, (queued["run_id"],), timeout)
    if row is None:
        report.add("run", f"not completed within {timeout:g}s")
        return None
    completed, started, status, inputs, error = row
    report.add("run_status", status if not error else f"{status}: {error}")
    report.add("run_request_to_completed_s", round(completed.timestamp() - t0, 2))
    compute = completed.timestamp() - started.timestamp()
    report.add("run_worker_s", round(compute, 2), f"({n / compute:,.1f} bids/s)")
    return inputs


def baselines(report: Report, payload: dict[str, Any] | None, inputs: dict[str, Any] | None,
              n: int) -> None:
    """The pure scoring functions on the same inputs, in this process."""
    from services.scoring.domain import assess_bids, compute_scoring_run

    if payload is not None:
        contents = {b["bid_id"]: b["content"] for b in payload["bids"]}
        t0 = time.perf_counter()
        assess_bids(contents, payload["tender"])
        took = time.perf_counter() - t0
        report.add("baseline_assess_bids_s", round(took, 2), f"({n / took:,.1f} bids/s)")
        if "close_to_assessed_s" in report.figures:
            report.add("ratio_worker_over_pure_bids_per_s",
                       round(took / report.figures["close_to_assessed_s"], 3))
    if inputs is not None:
        t0 = time.perf_counter()
        compute_scoring_run(inputs)
        took = time.perf_counter() - t0
        report.add("baseline_compute_scoring_run_s", round(took, 3), f"({n / took:,.1f} bids/s)")
        if "run_worker_s" in report.figures:
            report.add("ratio_run_worker_over_pure_bids_per_s",
                       round(took / report.figures["run_worker_s"], 3))


def ladder(report: Report, sizes: list[int], tender: dict[str, Any]) -> None:
    """``assess_bids`` at growing sizes: time per bid should stay flat (it is O(n log n))."""
    from services.scoring.domain import assess_bids

    rng = random.Random(4)
    for n in sizes:
        bids = {f"bid_{i:06d}": bid_body(rng) for i in range(n)}
        t0 = time.perf_counter()
        assess_bids(bids, tender)
        took = time.perf_counter() - t0
        report.add(f"ladder.n{n}", {"assess_bids_s": round(took, 2),
                                    "bids_per_s": round(n / took, 1)})


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the scoring-throughput bench and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.scoring", description=__doc__)
    parser.add_argument("--bids", type=int, default=1000)
    parser.add_argument("--full", action="store_true", help="10,000 bids")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds to wait for each step (default 300, --full 1800)")
    parser.add_argument("--ladder", default="1000,2000,4000",
                        help="sizes for the in-process scaling ladder ('' to skip)")
    parser.add_argument("--json", help="append the figures as a JSON line to this file")
    args = parser.parse_args(argv)
    n = 10_000 if args.full else args.bids
    timeout = args.timeout or (1800.0 if args.full else 300.0)
    header(f"scoring throughput: one tender, {n:,} bids")
    report = Report("scoring")
    report.add("bids", n)
    extra = platform_env(extra=BENCH_ENV)
    root = Path(tempfile.mkdtemp(prefix="coprocure-bench-scoring-"))
    with running_platform(extra, root=root) as plat:
        commissioner = staff_client(plat, "commissioner")
        body = scenario.tender_body(5, 10)
        body["evaluation"] = {"mode": "automatic", "min_quality_share": 0.6,
                              "standstill_working_days": 0}
        draft = commissioner.post("/tenders", body)
        # Nothing closes the tender while it is being seeded: neither the sweeper nor the
        # scheduled close (moved onto the queue by a worker's own rq scheduler).
        plat.stop("scheduler")
        plat.stop("worker-commissioning")
        # The gateway's bid notifications name organisations seeded only in commissioning: the
        # gateway refuses them and retries with backoff, a load a real close does not carry
        # (those notifications go out during the rush). They stay queued, unmeasured.
        plat.stop("worker-gateway")
        tender = commissioner.post(f"/tenders/{draft['id']}/publish")
        seed_bids(plat, tender, n, report)
        restarted = time.time()
        plat._spawn("worker-commissioning",
                    [sys.executable, "-m", "services.cli", "worker", "commissioning"])
        plat._spawn("scheduler", [sys.executable, "-m", "services.cli", "scheduler"])
        payload = close_and_assess(report, extra, tender["id"], n, timeout, restarted)
        inputs = None
        if "close_to_assessed_s" in report.figures:
            inputs = scoring_run(report, commissioner, extra, tender["id"], n, timeout)
    baselines(report, payload, inputs, n)
    if args.ladder:
        doc = payload["tender"] if payload else commissioner.get(f"/tenders/{tender['id']}")
        ladder(report, [int(s) for s in args.ladder.split(",")], doc)
    report.dump(args.json)
    return report.figures


if __name__ == "__main__":
    main()
