"""The deadline rush, open loop: bids arrive on a schedule, whatever the answers.

``python -m bench.open_rush [--bidders 50] [--bids 200] [--window 10] [--rates 20,40,80]
[--step 4] [--full]`` (``--full``: 200 bidders, 2,000 bids over 60 s; rates 25 to 400 a
second, 10 s each) starts the whole platform as ``bench.rush`` does (gunicorn, PostgreSQL
``bench_*``, Redis db 12, rate limits lifted) and registers the bidders through the gateway.

Real bidders do not wait for each other's answers, so each bid is sent at its scheduled time
by its own task and its latency is measured **from that scheduled time** to its final answer
(retries with the same ``Idempotency-Key`` on timeouts and 5xx included): a slow platform
cannot hide by slowing the load down (no coordinated omission). ``send_lag`` says how late the
load generator itself sent bids, which would spoil the figures if it grew.

1. ``steady``: ``--bids`` ~5 KB bids from ``--bidders`` bidders evenly over the last
   ``--window`` seconds before the tenders' deadline (one bid per bidder and tender), through
   the gateway; after the deadline, the database is checked (stored, lost, duplicated) and
   the close events' delivery timed.
2. ``popular``: the same schedule against **one** tender with ``bids / bidders`` lots, so every
   bid lands on the same tender (one live bid per bidder and lot).
3. ``ladder``: each offered rate for ``--step`` seconds on fresh tenders, through the gateway
   and (the baseline, same rates, same run) straight to commissioning with a signed assertion:
   p99 from schedule, refused and 5xx per rate, and the highest rate whose p99 is at most
   ``--p99-ms`` with nothing refused.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench import cpu_share
from bench.common import Report, assertion_key, header, platform_env, running_platform, summary_ms
from bench.fixtures import (
    BENCH_ENV,
    bid_body,
    bidder_headers,
    publish_tender,
    register_bidders,
    staff_client,
)
from bench.rush import lot_deadline, stored_bids, wait_outbox
from services.demo import scenario


@dataclass
class Target:
    """One scheduled bid: where it goes, who sends it, what it says."""

    url: str
    headers: dict[str, str]
    body: bytes
    tender_id: str
    org: str
    lot_key: str | None = None


@dataclass
class Outcome:
    """What one open-loop phase saw."""

    latencies: list[float] = field(default_factory=list)  # from schedule to final answer
    send_lag: list[float] = field(default_factory=list)  # how late each first try went out
    statuses: dict[str, int] = field(default_factory=dict)  # of every attempt
    refused: dict[str, int] = field(default_factory=dict)  # final answers other than 201
    receipts: dict[str, str] = field(default_factory=dict)  # bid id -> content hash
    retries: int = 0

    def count(self, key: str) -> None:
        self.statuses[key] = self.statuses.get(key, 0) + 1

    def refuse(self, reason: str) -> None:
        self.refused[reason] = self.refused.get(reason, 0) + 1


async def _send(http: httpx.AsyncClient, target: Target, due: float, out: Outcome,
                max_attempts: int) -> None:
    loop = asyncio.get_running_loop()
    out.send_lag.append(loop.time() - due)
    headers = {**target.headers, "Content-Type": "application/json",
               "Idempotency-Key": str(uuid.uuid4())}
    for attempt in range(max_attempts):
        if attempt:
            out.retries += 1
            await asyncio.sleep(min(2.0, 0.2 * 2 ** attempt) * random.random())
        try:
            resp = await http.post(target.url, content=target.body, headers=headers)
        except httpx.TimeoutException:
            out.count("timeout")
            continue
        except httpx.TransportError:
            out.count("transport_error")
            continue
        out.count(str(resp.status_code))
        if resp.status_code >= 500:
            continue
        out.latencies.append(loop.time() - due)
        if resp.status_code == 201:
            doc = resp.json()
            out.receipts[doc["id"]] = doc["receipt"]["content_sha256"]
        else:
            out.refuse(f"{resp.status_code} {resp.json().get('title', '')}")
        return
    out.latencies.append(loop.time() - due)
    out.refuse("gave up")


async def offer(targets: list[Target], rate: float, timeout: float, max_attempts: int,
                start_at: float | None = None) -> Outcome:
    """Send ``targets`` at ``rate`` a second from ``start_at`` (a Unix time; default now),
    each on its own task, and wait for every answer."""
    out = Outcome()
    limits = httpx.Limits(max_connections=2000, max_keepalive_connections=400)
    loop = asyncio.get_running_loop()
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as http:
        start = loop.time() + max(0.2, (start_at or 0) - time.time())
        tasks = []
        for i, target in enumerate(targets):
            due = start + i / rate
            if due > loop.time():
                await asyncio.sleep(due - loop.time())
            tasks.append(asyncio.create_task(_send(http, target, due, out, max_attempts)))
        await asyncio.gather(*tasks)
    return out


def schedule(tenders: list[dict[str, Any]], bidders: list[dict[str, Any]], bodies: list[bytes],
             base: str, lots: list[str | None] | None = None) -> list[Target]:
    """One bid per bidder for each (tender, lot), interleaved so that consecutive bids come
    from different bidders and go to different tenders."""
    lots = lots or [None]
    slots = [(t, lot) for t in tenders for lot in lots]
    targets = []
    for n, (tender, lot) in enumerate(slots):
        for i, who in enumerate(bidders):
            body = json.loads(bodies[(n * len(bidders) + i) % len(bodies)])
            if lot is not None:
                body["lot_key"] = lot
            targets.append(Target(f"{base}/api/v1/tenders/{tender['id']}/bids", who["headers"],
                                  json.dumps(body).encode(), tender["id"], who["org"], lot))
    random.Random(5).shuffle(targets)
    return targets


def check(db_url: str, tender_ids: list[str], out: Outcome) -> dict[str, int]:
    """The database against the receipts the bidders got (``bench.rush.stored_bids``)."""
    counts = stored_bids(db_url, tender_ids, out.receipts)
    del counts["ids"]
    return counts


def report_phase(report: Report, name: str, out: Outcome, offered: float) -> dict[str, Any]:
    """The figures of one phase; returns its latency summary."""
    latency = summary_ms(out.latencies)
    report.add(f"{name}.offered_per_s", round(offered, 1))
    report.add(f"{name}.latency_from_schedule", latency)
    report.add(f"{name}.send_lag", summary_ms(out.send_lag))
    report.add(f"{name}.attempt_statuses", out.statuses)
    report.add(f"{name}.status_5xx", sum(n for s, n in out.statuses.items() if s[0] == "5"))
    report.add(f"{name}.retries", out.retries)
    report.add(f"{name}.refused", out.refused)
    return latency


def popular_tender(commissioner: Any, lots: int, deadline_in: float) -> dict[str, Any]:
    """One tender with ``lots`` lots (no reservation, no lot prices), published."""
    body = scenario.tender_body(deadline_in / 2, deadline_in)
    body["lots"] = [{"key": f"L{i + 1}", "title": f"Lot {i + 1}",
                     "description": "Community wellbeing service for one area.",
                     "estimated_value": body.get("estimated_value")} for i in range(lots)]
    body["lots"] = [{k: v for k, v in lot.items() if v is not None} for lot in body["lots"]]
    draft = commissioner.post("/tenders", body)
    return commissioner.post(f"/tenders/{draft['id']}/publish")


def deadline_phase(report: Report, name: str, commissioner: Any, base: str, db_url: str,
                   bidders: list[dict[str, Any]], bodies: list[bytes],
                   args: argparse.Namespace, popular: bool,
                   pids: dict[str, int] | None = None) -> None:
    """``--bids`` bids evenly over the last ``--window`` s before the deadline; then check.
    With ``pids``, also the CPU each platform process spent while the bids arrived."""
    n_lots = max(1, args.bids // len(bidders))
    margin = 4.0  # to publish before the window opens
    if popular:
        tenders = [popular_tender(commissioner, n_lots, args.window + margin)]
        targets = schedule(tenders, bidders, bodies, base, [f"L{i + 1}" for i in range(n_lots)])
    else:
        tenders = [publish_tender(commissioner, args.window + margin) for _ in range(n_lots)]
        targets = schedule(tenders, bidders, bodies, base)
    deadline = min(lot_deadline(t) for t in tenders)
    rate = len(targets) / args.window
    start_at = deadline - args.window - 0.5  # the last bid is due half a second before
    report.note(f"{name}: {len(targets)} bids at {rate:.1f}/s to {len(tenders)} tender(s), "
                f"window opens in {start_at - time.time():.1f}s")
    cpu_before = cpu_share.snapshot(pids or {})
    out = asyncio.run(offer(targets, rate, args.timeout, args.attempts, start_at))
    cpu = cpu_share.spent(cpu_before, cpu_share.snapshot(pids or {}))
    latency = report_phase(report, name, out, rate)
    report.add(f"{name}.cpu_ms_per_bid", {k: round(1000 * v / len(targets), 1)
                                          for k, v in cpu.items() if v > 0})
    wait = deadline - time.time() + 1.5
    if wait > 0:
        time.sleep(wait)
    ids = [t["id"] for t in tenders]
    report.add(f"{name}.after_deadline", check(db_url, ids, out))
    report.add(f"{name}.outbox", wait_outbox(db_url, ids, deadline, args.outbox_timeout))
    report.add(f"{name}.p99_within_target", latency.get("p99_ms", math.inf) <= args.p99_ms)


def ladder(report: Report, name: str, commissioner: Any, base: str, db_url: str,
           bidders: list[dict[str, Any]], bodies: list[bytes],
           args: argparse.Namespace) -> float:
    """Each rate for ``--step`` s on fresh tenders; the highest rate that held."""
    best = 0.0
    for rate in args.rates:
        n = int(rate * args.step)
        tenders = [publish_tender(commissioner, 3600) for _ in range(math.ceil(n / len(bidders)))]
        targets = schedule(tenders, bidders, bodies, base)[:n]
        out = asyncio.run(offer(targets, rate, args.timeout, args.attempts))
        latency = summary_ms(out.latencies)
        stored = check(db_url, [t["id"] for t in tenders], out)
        refused = sum(out.refused.values())
        fives = sum(v for s, v in out.statuses.items() if s[0] == "5")
        held = latency.get("p99_ms", math.inf) <= args.p99_ms and not refused and \
            not stored["lost"] and not stored["duplicates"]
        report.add(f"{name}.rate_{rate:g}", {
            "p50_ms": latency.get("p50_ms"), "p99_ms": latency.get("p99_ms"),
            "max_ms": latency.get("max_ms"), "refused": refused, "attempts_5xx": fives,
            "retries": out.retries, "lost": stored["lost"], "duplicates": stored["duplicates"],
            "send_lag_p99_ms": summary_ms(out.send_lag).get("p99_ms"), "held": held})
        if not held:
            break  # past the knee: higher rates only queue longer
        best = rate
    report.add(f"{name}.highest_rate_held_per_s", best)
    return best


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the open-loop rush and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.open_rush", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bidders", type=int, default=50)
    parser.add_argument("--bids", type=int, default=200)
    parser.add_argument("--window", type=float, default=10.0,
                        help="the bids arrive evenly over this many seconds before the deadline")
    parser.add_argument("--rates", default="20,40,80",
                        help="offered rates of the ladder, bids a second (comma list)")
    parser.add_argument("--step", type=float, default=4.0, help="seconds per ladder rate")
    parser.add_argument("--p99-ms", type=float, default=300.0)
    parser.add_argument("--timeout", type=float, default=30.0, help="client timeout per try")
    parser.add_argument("--attempts", type=int, default=5, help="tries per bid")
    parser.add_argument("--bid-bytes", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per service")
    parser.add_argument("--outbox-timeout", type=float, default=120.0)
    parser.add_argument("--phases", default="steady,popular,ladder")
    parser.add_argument("--full", action="store_true",
                        help="200 bidders, 2,000 bids over 60 s; rates 25..400 for 10 s each")
    parser.add_argument("--json", help="append the figures as a JSON line to this file")
    args = parser.parse_args(argv)
    if args.full:
        args.bidders, args.bids, args.window, args.step = 200, 2000, 60.0, 10.0
        args.rates = "25,50,100,150,200,300,400"
    args.rates = [float(r) for r in args.rates.split(",") if r]
    phases = set(args.phases.split(","))
    header(f"open-loop rush: {args.bidders} bidders, {args.bids} bids over {args.window:g}s; "
           f"ladder {', '.join(f'{r:g}' for r in args.rates)}/s x {args.step:g}s")
    report = Report("open_rush")
    rng = random.Random(2)
    bodies = [json.dumps(bid_body(rng, args.bid_bytes)).encode() for _ in range(200)]
    extra = platform_env(extra=BENCH_ENV)
    root = Path(tempfile.mkdtemp(prefix="coprocure-bench-open-rush-"))
    with running_platform(extra, gunicorn_workers=args.workers, root=root) as plat:
        db_url = extra["COPROCURE_COMMISSIONING_DATABASE_URL"]
        commissioner = staff_client(plat, "commissioner")
        registered = asyncio.run(register_bidders(plat.url(), args.bidders))
        via_gateway, direct = bidder_headers(registered, assertion_key(extra, root), 7200)
        pids = {name: proc.pid for name, proc in plat.procs.items()}
        if "steady" in phases:
            deadline_phase(report, "steady", commissioner, plat.url(), db_url, via_gateway,
                           bodies, args, popular=False, pids=pids)
        if "popular" in phases:
            deadline_phase(report, "popular", commissioner, plat.url(), db_url, via_gateway,
                           bodies, args, popular=True, pids=pids)
        if "ladder" in phases:
            held_direct = ladder(report, "ladder_direct", commissioner,
                                 plat.url("commissioning"), db_url, direct, bodies, args)
            held = ladder(report, "ladder_gateway", commissioner, plat.url(), db_url,
                          via_gateway, bodies, args)
            if held_direct:
                report.add("ratio_gateway_over_direct_highest_rate",
                           round(held / held_direct, 3))
    report.dump(args.json)
    return report.figures


if __name__ == "__main__":
    main()
