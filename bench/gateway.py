"""Gateway overhead: GET /api/v1/tenders/{id} through the gateway vs straight to commissioning.

``python -m bench.gateway [--duration S] [--concurrency 1,8,32] [--no-profile]`` starts the whole
platform (gunicorn, PostgreSQL, Redis db 12), publishes a tender and drives the same request
three ways at each concurrency, interleaved: **direct** to the commissioning service with a valid
assertion (the baseline), through the **gateway** with a bearer token (the realistic case) and
through the gateway **anonymously** (no token lookup). Load comes from ``wrk`` (C, so the load
generator takes little of the 2 cores) or, without wrk, an asyncio httpx client.
Unless ``--no-profile``, py-spy records the gateway's gunicorn workers during one extra
gateway run and the bench prints where the time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import (
    Report,
    assertion_key,
    header,
    platform_env,
    running_platform,
    summary_ms,
)
from bench.fixtures import BENCH_ENV, publish_tender, register_bidders, staff_client
from shared.identity import HEADER, Identity, sign_assertion

LUA = Path(__file__).with_name("wrk_report.lua")


def run_wrk(url: str, headers: dict[str, str], concurrency: int, duration: float) -> dict:
    """One wrk run; its figures (latencies in ms)."""
    argv = ["wrk", "-t", str(min(2, concurrency)), "-c", str(concurrency),
            "-d", f"{max(1, round(duration))}s", "--timeout", "10s", "-s", str(LUA), url]
    for name, value in headers.items():
        argv[1:1] = ["-H", f"{name}: {value}"]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    doc = json.loads(out.strip().splitlines()[-1])
    seconds = doc["duration_us"] / 1e6
    return {"rps": round(doc["requests"] / seconds, 1), "requests": doc["requests"],
            "p50_ms": doc["p50_us"] / 1e3, "p99_ms": doc["p99_us"] / 1e3,
            "max_ms": doc["max_us"] / 1e3,
            "errors": doc["non2xx"] + doc["connect_errors"] + doc["read_errors"]
            + doc["timeouts"]}


async def _httpx_load(url: str, headers: dict[str, str], concurrency: int,
                      duration: float) -> dict:
    lat: list[float] = []
    errors = 0
    stop = time.monotonic() + duration

    async def one(http: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            resp = await http.get(url, headers=headers)
            lat.append(time.perf_counter() - t0)
            errors += resp.status_code >= 400

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(timeout=10, limits=limits) as http:
        start = time.monotonic()
        await asyncio.gather(*(one(http) for _ in range(concurrency)))
        took = time.monotonic() - start
    s = summary_ms(lat)
    return {"rps": round(len(lat) / took, 1), "requests": len(lat), "p50_ms": s["p50_ms"],
            "p99_ms": s["p99_ms"], "max_ms": s["max_ms"], "errors": errors}


def load(client: str, url: str, headers: dict[str, str], concurrency: int,
         duration: float) -> dict:
    """Drive GET url at ``concurrency`` for ``duration`` seconds with wrk or httpx."""
    if client == "wrk":
        return run_wrk(url, headers, concurrency, duration)
    return asyncio.run(_httpx_load(url, headers, concurrency, duration))


def profile_gateway(plat: Any, client: str, url: str, headers: dict[str, str],
                    duration: float, out_dir: Path) -> dict[str, float]:
    """py-spy the gateway's workers under load; return (frame, share of samples) pairs."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    raw = out_dir / "gateway.pyspy.txt"
    spy = subprocess.Popen([py_spy, "record", "--pid", str(plat.procs["gateway"].pid),
                            "--subprocesses", "--format", "raw", "--rate", "200",
                            "--duration", str(int(duration) + 2), "--output", str(raw),
                            "--nonblocking"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    load(client, url, headers, 32, duration)
    spy.wait(timeout=duration + 30)
    return summarise_profile(raw)


BUCKETS = [  # (label, substring of a frame); a sample goes to the first bucket its stack hits
    ("token lookup in PostgreSQL (user_for_token)", "user_for_token ("),
    ("rate limits in Redis (flask-limiter)", "Limiter._check_request_limit ("),
    ("assertion signing (PyJWT)", "sign_assertion ("),
    ("upstream call (httpx -> commissioning)", "Client.send (httpx"),
    ("response pass-through", "_pass_through ("),
    ("other before/after-request hooks", "Flask.preprocess_request ("),
    ("other before/after-request hooks", "Flask.process_response ("),
    ("rest of Flask dispatch", "Flask.wsgi_app ("),
    ("gunicorn (parse, accept, write)", "gunicorn/"),
]


def summarise_profile(raw: Path) -> dict[str, float]:
    """Share of the gateway workers' busy samples per bucket, from py-spy's collapsed stacks."""
    counts: collections.Counter[str] = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():  # a process frame's command line may hold a line break
            continue
        label = next((lb for lb, frag in BUCKETS if frag in stack), "other")
        counts[label] += int(n)
    total = sum(counts.values()) or 1
    return {label: round(100 * n / total, 1) for label, n in counts.most_common()}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the gateway-overhead bench and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.gateway", description=__doc__)
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per run")
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--client", choices=["wrk", "httpx"],
                        default="wrk" if shutil.which("wrk") else "httpx")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per service")
    parser.add_argument("--no-profile", dest="profile", action="store_false",
                        help="skip the py-spy profile of the gateway (needs py-spy installed)")
    parser.add_argument("--json", help="append the figures as a JSON line to this file")
    parser.add_argument("--full", action="store_true", help="longer runs (20 s each)")
    args = parser.parse_args(argv)
    duration = 20.0 if args.full else args.duration
    levels = [int(c) for c in args.concurrency.split(",")]
    header(f"gateway overhead: GET /tenders/{{id}}, {args.client}, {duration:g}s per run")
    report = Report("gateway")
    report.add("client", args.client)
    extra = platform_env(extra=BENCH_ENV)
    root = Path(tempfile.mkdtemp(prefix="coprocure-bench-gw-"))
    with running_platform(extra, gunicorn_workers=args.workers, root=root) as plat:
        commissioner = staff_client(plat, "commissioner")
        tender = publish_tender(commissioner, 3600)
        bidder = asyncio.run(register_bidders(plat.url(), 1))[0]
        user = bidder["user"]
        identity = Identity(user_id=user["id"], organisation_id=user["organisation"]["id"],
                            roles=("bidder",), email=user["email"],
                            organisation_name=user["organisation"]["name"])
        token = sign_assertion(assertion_key(extra, root), identity, ttl_seconds=3600)
        path = f"/api/v1/tenders/{tender['id']}"
        targets = {
            "direct": (plat.url("commissioning") + path, {HEADER: token}),
            "gateway": (plat.url() + path, {"Authorization": f"Bearer {bidder['token']}"}),
            "gateway_anon": (plat.url() + path, {}),
        }
        for name, (url, hdrs) in targets.items():  # same answer three ways, and warm-up
            resp = httpx.get(url, headers=hdrs)
            assert resp.status_code == 200, (name, resp.status_code, resp.text[:300])
            load(args.client, url, hdrs, 8, 2)
        for c in levels:
            results = {name: load(args.client, url, hdrs, c, duration)
                       for name, (url, hdrs) in targets.items()}
            for name, res in results.items():
                report.add(f"c{c}.{name}", res)
            direct = results["direct"]["rps"]
            report.add(f"c{c}.ratio_gateway_over_direct",
                       round(results["gateway"]["rps"] / direct, 3))
            report.add(f"c{c}.ratio_gateway_anon_over_direct",
                       round(results["gateway_anon"]["rps"] / direct, 3))
        if args.profile and (shutil.which("py-spy")
                             or Path(sys.executable).with_name("py-spy").exists()):
            url, hdrs = targets["gateway"]
            shares = profile_gateway(plat, args.client, url, hdrs, duration, root)
            report.add("profile_gateway_pct", shares)
            print("  where the gateway's sampled time goes (% of samples, wall-clock):")
            for label, pct in shares.items():
                print(f"    {pct:5.1f}%  {label}")
    report.dump(args.json)
    return report.figures


if __name__ == "__main__":
    main()
