"""The deadline rush: many bidders submit ~5 KB bids through the gateway just before a deadline.

``python -m bench.rush [--bidders 100] [--bids 1000] [--window 60] [--document-bytes N]
[--full]`` (``--full``: 200 bidders, 2,000 bids) starts the whole platform
(gunicorn, PostgreSQL ``bench_*``, Redis db 12, gateway rate limits lifted), registers the bidders
through ``/api/v1/auth/register``, publishes ``bids / bidders`` tenders (lots) whose submission
deadline is ``--window`` seconds away, then every bidder submits one bid per lot, all bidders at
once. Each bid carries its own ``Idempotency-Key``; a timeout, transport error or 5xx is retried
with the same key. With ``--document-bytes N`` each accepted bid then attaches an N-byte PDF
(streamed, sealed), retried on timeouts and 5xx. After the deadline the bench checks the
commissioning database: bids stored, duplicates, receipts with no stored bid (lost), each bid's
documents (missing, doubled, hash mismatches), and the TenderClosed outbox events delivered.
Baseline, measured in the same run: the same number of bids straight to commissioning (no
gateway), on a second set of lots, one bidder-assertion per organisation.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench.common import (
    Report,
    assertion_key,
    header,
    platform_env,
    running_platform,
    summary_ms,
)
from bench.fixtures import (
    BENCH_ENV,
    bid_body,
    bidder_headers,
    publish_tender,
    register_bidders,
    staff_client,
)
from shared.time import parse_rfc3339


def pdf_bytes(size: int, seed: int) -> bytes:
    """An N-byte file the document sniffer takes for a PDF, different per seed."""
    head, tail = b"%PDF-1.7\n%" + str(seed).encode() + b"\n", b"\n%%EOF\n"
    filler = random.Random(seed).randbytes(max(0, size - len(head) - len(tail)))
    return head + filler + tail


class Attempts:
    """Counters and latencies of every HTTP attempt in one phase."""

    def __init__(self) -> None:
        self.documents: dict[str, str] = {}  # bid id -> the attached document's SHA-256
        self.document_latencies: list[float] = []
        self.document_failures: dict[str, int] = {}
        self.latencies: list[float] = []
        self.statuses: dict[str, int] = {}
        self.retries = 0
        self.receipts: dict[tuple[str, str], dict[str, Any]] = {}  # (lot, org) -> receipt
        self.refused: dict[str, int] = {}
        self.first = self.last = 0.0

    def count(self, key: str) -> None:
        """Count one attempt outcome."""
        self.statuses[key] = self.statuses.get(key, 0) + 1


async def attach(http: httpx.AsyncClient, base: str, headers: dict[str, str], bid_id: str,
                 document: bytes, attempts: Attempts, max_attempts: int) -> None:
    """Attach the document to the bid just accepted; retried on timeouts and 5xx (a retry
    after a lost answer may attach it twice: the store check counts that)."""
    url = f"{base}/api/v1/bids/{bid_id}/documents"
    hdrs = {**headers, "Content-Type": "application/octet-stream"}
    for attempt in range(max_attempts):
        if attempt:
            await asyncio.sleep(min(2.0, 0.2 * 2 ** attempt) * random.random())
        t0 = time.perf_counter()
        try:
            resp = await http.post(url, content=document, headers=hdrs,
                                   params={"filename": "method-statement.pdf"})
        except httpx.TransportError as exc:
            reason = type(exc).__name__
            attempts.document_failures[reason] = attempts.document_failures.get(reason, 0) + 1
            continue
        attempts.document_latencies.append(time.perf_counter() - t0)
        if resp.status_code == 201:
            attempts.documents[bid_id] = resp.json()["receipt"]["documents"][-1]["sha256"]
            return
        reason = str(resp.status_code)
        attempts.document_failures[reason] = attempts.document_failures.get(reason, 0) + 1
        if resp.status_code < 500:
            return


async def submit(http: httpx.AsyncClient, url: str, headers: dict[str, str], body: bytes,
                 attempts: Attempts, key: tuple[str, str], max_attempts: int,
                 document: bytes | None = None) -> None:
    """One bid: POST with an Idempotency-Key, retried with the same key on timeouts and 5xx."""
    hdrs = {**headers, "Content-Type": "application/json",
            "Idempotency-Key": str(uuid.uuid4())}
    for attempt in range(max_attempts):
        if attempt:
            attempts.retries += 1
            await asyncio.sleep(min(2.0, 0.2 * 2 ** attempt) * random.random())
        t0 = time.perf_counter()
        try:
            resp = await http.post(url, content=body, headers=hdrs)
        except httpx.TimeoutException:
            attempts.latencies.append(time.perf_counter() - t0)
            attempts.count("timeout")
            continue
        except httpx.TransportError:
            attempts.count("transport_error")
            continue
        attempts.latencies.append(time.perf_counter() - t0)
        attempts.count(str(resp.status_code))
        if resp.status_code >= 500:
            continue
        if resp.status_code == 201:
            attempts.receipts[key] = resp.json()
            if document:
                await attach(http, url.split("/api/v1/")[0], headers, resp.json()["id"],
                             document, attempts, max_attempts)
        else:
            reason = f"{resp.status_code} {resp.json().get('title', '')}"
            attempts.refused[reason] = attempts.refused.get(reason, 0) + 1
        return
    attempts.refused["gave up"] = attempts.refused.get("gave up", 0) + 1


async def rush(base: str, lots: list[str], bidders: list[dict[str, str]], bodies: list[bytes],
               timeout: float, max_attempts: int, documents: list[bytes]) -> Attempts:
    """Every bidder submits one bid per lot (in its own random order), all bidders at once."""
    attempts = Attempts()
    limits = httpx.Limits(max_connections=len(bidders), max_keepalive_connections=len(bidders))

    async def bidder(i: int, who: dict[str, str], http: httpx.AsyncClient) -> None:
        order = list(lots)
        random.Random(i).shuffle(order)
        for n, lot in enumerate(order):
            body = bodies[(i * len(lots) + n) % len(bodies)]
            document = documents[(i + n) % len(documents)] if documents else None
            await submit(http, f"{base}/api/v1/tenders/{lot}/bids", who["headers"], body,
                         attempts, (lot, who["org"]), max_attempts, document)

    async with httpx.AsyncClient(timeout=timeout, limits=limits) as http:
        attempts.first = time.monotonic()
        await asyncio.gather(*(bidder(i, who, http) for i, who in enumerate(bidders)))
        attempts.last = time.monotonic()
    return attempts


def check_store(url: str, lots: list[str], attempts: Attempts) -> dict[str, int]:
    """Bids stored per lot, duplicates, lost receipts and content hash mismatches."""
    receipts = {r["id"]: r["receipt"]["content_sha256"] for r in attempts.receipts.values()}
    counts = stored_bids(url, lots, receipts)
    ids = counts.pop("ids")
    documents = check_documents(url, ids, attempts) if attempts.documents else {}
    return {**documents, **counts}


def stored_bids(url: str, tender_ids: list[str], receipts: dict[str, str]) -> dict[str, Any]:
    """What the database holds against the receipts (bid id -> content SHA-256) the bidders
    got: bids stored, duplicates (two live bids of one bidder on one tender and lot), receipts
    with no stored bid (lost), hash mismatches, bids stored without a receipt; ``ids``: the
    stored bids' ids."""
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT id, tender_id, organisation_id, lot_key, content_sha256 "
                            "FROM bids WHERE tender_id = ANY(%s)", (tender_ids,)).fetchall()
    stored = {r[0]: r[4] for r in rows}
    per_slot: dict[tuple[str, str, str | None], int] = {}
    for _, tender, org, lot, _ in rows:
        per_slot[(tender, org, lot)] = per_slot.get((tender, org, lot), 0) + 1
    return {"stored": len(rows), "receipts": len(receipts),
            "duplicates": sum(n - 1 for n in per_slot.values() if n > 1),
            "lost": sum(1 for b in receipts if b not in stored),
            "content_hash_mismatch": sum(1 for b, sha in receipts.items()
                                         if b in stored and stored[b] != sha),
            "stored_without_receipt": len(set(stored) - set(receipts)), "ids": list(stored)}


def check_documents(url: str, bid_ids: list[str], attempts: Attempts) -> dict[str, int]:
    """Each bid's stored documents against the hash its receipt gave."""
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT bid_id, sha256 FROM documents WHERE bid_id = ANY(%s) "
                            "AND status = 'current'", (bid_ids,)).fetchall()
    per_bid: dict[str, list[str]] = {}
    for bid_id, sha in rows:
        per_bid.setdefault(bid_id, []).append(sha)
    return {"documents_stored": len(rows),
            "documents_acknowledged": len(attempts.documents),
            "documents_lost": sum(1 for b, sha in attempts.documents.items()
                                  if sha not in per_bid.get(b, [])),
            "documents_doubled": sum(len(v) - 1 for v in per_bid.values() if len(v) > 1)}


def wait_outbox(url: str, lots: list[str], deadline: float, timeout: float) -> dict[str, Any]:
    """Wait until every lot is closed and its TenderClosed outbox events (one for scoring, one
    for the gateway's notifications) are all sent; report how long it took."""
    stop = time.time() + timeout
    while True:
        with psycopg.connect(url) as conn:
            rows = conn.execute(
                "SELECT payload->>'tender_id', sent_at FROM outbox WHERE event_type = "
                "'TenderClosed' AND payload->>'tender_id' = ANY(%s)", (lots,)).fetchall()
        sent = [r[1] for r in rows if r[1] is not None]
        closed = {r[0] for r in rows}
        if (closed == set(lots) and len(sent) == len(rows)) or time.time() > stop:
            break
        time.sleep(0.5)
    last = max((s.timestamp() for s in sent), default=float("nan"))
    return {"tender_closed_events": len(rows), "delivered": len(sent), "lots": len(lots),
            "deadline_to_last_delivered_s": round(last - deadline, 2)}


def lot_deadline(tender: dict[str, Any]) -> float:
    """A tender's submission deadline as a Unix time."""
    return parse_rfc3339(tender["submission_deadline"]).timestamp()


def phase(report: Report, name: str, base: str, lots: list[dict[str, Any]],
          bidders: list[dict[str, str]], bodies: list[bytes],
          args: argparse.Namespace) -> tuple[list[str], float, Attempts]:
    """Run one rush against ``base`` and report what the bidders saw."""
    ids = [t["id"] for t in lots]
    deadline = max(lot_deadline(t) for t in lots)
    report.note(f"{name}: {len(bidders)} bidders x {len(ids)} lots, deadline in "
                f"{deadline - time.time():.0f}s")
    documents = [pdf_bytes(args.document_bytes, seed) for seed in range(8)] \
        if args.document_bytes else []
    attempts = asyncio.run(rush(base, ids, bidders, bodies, args.timeout, args.attempts,
                                documents))
    took = attempts.last - attempts.first
    report.add(f"{name}.bids_accepted", len(attempts.receipts))
    report.add(f"{name}.bids_per_s", round(len(attempts.receipts) / took, 1),
               f"({took:.1f}s, finished {deadline - time.time():.0f}s before the deadline)")
    report.add(f"{name}.latency_per_attempt", summary_ms(attempts.latencies))
    report.add(f"{name}.attempt_statuses", attempts.statuses)
    report.add(f"{name}.status_5xx", sum(n for s, n in attempts.statuses.items()
                                         if s.startswith("5")))
    report.add(f"{name}.retries", attempts.retries)
    report.add(f"{name}.refused", attempts.refused)
    if documents:
        report.add(f"{name}.documents_attached", len(attempts.documents))
        report.add(f"{name}.document_latency", summary_ms(attempts.document_latencies))
        report.add(f"{name}.document_failures", attempts.document_failures)
        report.add(f"{name}.document_mib_per_s", round(
            len(attempts.documents) * args.document_bytes / 2**20 / took, 1))
    return ids, deadline, attempts


def after_deadline(report: Report, name: str, db_url: str, ids: list[str], deadline: float,
                   attempts: Attempts, args: argparse.Namespace) -> None:
    """Once the deadline has passed: what was stored, and the close events delivered."""
    wait = deadline - time.time() + 1.5
    if wait > 0:
        report.note(f"{name}: waiting {wait:.0f}s for the deadline")
        time.sleep(wait)
    report.add(f"{name}.after_deadline", check_store(db_url, ids, attempts))
    report.add(f"{name}.outbox", wait_outbox(db_url, ids, deadline, args.outbox_timeout))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the deadline rush and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.rush", description=__doc__)
    parser.add_argument("--bidders", type=int, default=100)
    parser.add_argument("--bids", type=int, default=1000)
    parser.add_argument("--window", type=float, default=60.0, help="seconds to the deadline")
    parser.add_argument("--timeout", type=float, default=10.0, help="client timeout per try")
    parser.add_argument("--attempts", type=int, default=5, help="tries per bid")
    parser.add_argument("--bid-bytes", type=int, default=5000)
    parser.add_argument("--document-bytes", type=int, default=0,
                        help="attach a document of this size to every bid (0: none)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per service")
    parser.add_argument("--outbox-timeout", type=float, default=120.0)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--full", action="store_true", help="200 bidders, 2,000 bids")
    parser.add_argument("--json", help="append the figures as a JSON line to this file")
    args = parser.parse_args(argv)
    if args.full:
        args.bidders, args.bids = 200, 2000
    n_lots = max(1, args.bids // args.bidders)
    header(f"deadline rush: {args.bidders} bidders, {n_lots * args.bidders} bids "
           f"(~{args.bid_bytes} B), {args.window:g}s window"
           + (f", a {args.document_bytes:,} B document each" if args.document_bytes else ""))
    report = Report("rush")
    rng = random.Random(2)
    bodies = [json.dumps(bid_body(rng, args.bid_bytes)).encode() for _ in range(200)]
    report.add("bid_body_bytes", {"min": min(map(len, bodies)), "max": max(map(len, bodies))})
    extra = platform_env(extra=BENCH_ENV)
    root = Path(tempfile.mkdtemp(prefix="coprocure-bench-rush-"))
    with running_platform(extra, gunicorn_workers=args.workers, root=root) as plat:
        db_url = extra["COPROCURE_COMMISSIONING_DATABASE_URL"]
        commissioner = staff_client(plat, "commissioner")
        t0 = time.monotonic()
        registered = asyncio.run(register_bidders(plat.url(), args.bidders))
        report.add("register_and_login_per_s", round(args.bidders / (time.monotonic() - t0), 1))
        gateway_bidders, direct_bidders = bidder_headers(registered, assertion_key(extra, root),
                                                         3600)
        done = []
        if not args.no_baseline:
            lots = [publish_tender(commissioner, args.window + 3) for _ in range(n_lots)]
            done.append(("direct", *phase(report, "direct", plat.url("commissioning"), lots,
                                          direct_bidders, bodies, args)))
        lots = [publish_tender(commissioner, args.window + 3) for _ in range(n_lots)]
        done.append(("gateway", *phase(report, "gateway", plat.url(), lots, gateway_bidders,
                                       bodies, args)))
        for name, ids, deadline, attempts in done:
            after_deadline(report, name, db_url, ids, deadline, attempts, args)
        if not args.no_baseline:
            report.add("ratio_gateway_over_direct_bids_per_s",
                       round(report.figures["gateway.bids_per_s"]
                             / report.figures["direct.bids_per_s"], 3))
    report.dump(args.json)
    return report.figures


if __name__ == "__main__":
    main()
