"""Search at scale: tender search, filters and cursor pages with many tenders in the database.

``python -m bench.search [--tenders 20000] [--full]`` (``--full``: 100,000) starts the whole
platform on PostgreSQL, publishes one tender through the API, then clones it in SQL into
``--tenders`` published tenders (titles and descriptions drawn from a vocabulary, one word in a
thousand rare, twelve service areas, one a minute back in time) and VACUUM ANALYZEs. Then,
anonymously through the gateway, one request at a time, it measures p50/p95 of: a rare word, a
common word, a word with a service area, a service area alone, the first page, and the last page
reached by cursor. Baseline, measured in the same run: ``GET /tenders/{id}`` of one tender
through the gateway (a primary-key read), so each figure is also a ratio to it.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench.common import Report, header, platform_env, running_platform, summary_ms
from bench.fixtures import BENCH_ENV, publish_tender, staff_client
from shared.schemas import encode_cursor
from shared.time import rfc3339

WORDS = ("community", "wellbeing", "loneliness", "housing", "employment", "recovery", "carers",
         "youth", "mental", "health", "families", "older", "people", "support", "advice",
         "homelessness", "prevention", "outreach", "mentoring", "skills")
AREAS = ("adult_social_care", "children_and_families", "housing", "public_health",
         "employment", "criminal_justice", "mental_health", "education", "leisure",
         "environment", "transport", "community_safety")
RARE = "kingfisher"


def clone_tenders(db_url: str, template_id: str, n: int) -> None:
    """``n`` published copies of the template tender, made in one SQL statement."""
    words = "(ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "])"
    areas = "(ARRAY[" + ",".join(f"'{a}'" for a in AREAS) + "])"
    with psycopg.connect(db_url) as conn:
        columns = [r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'tenders' "
            "ORDER BY ordinal_position").fetchall()]
        made = {
            "id": "'tnd_b' || lpad(g::text, 9, '0')",
            "title": f"initcap({words}[1 + g %% 20]) || ' ' || {words}[1 + (g / 20) %% 20] "
                     f"|| ' service ' || g || CASE WHEN g %% 1000 = 7 THEN ' {RARE}' ELSE '' END",
            "description": f"'A service for ' || {words}[1 + (g / 7) %% 20] || ' and ' || "
                           f"{words}[1 + (g / 3) %% 20] || ', co-produced with the people who "
                           "use it.'",
            "service_area": f"{areas}[1 + g %% 12]",
            "created_at": "now() - (g || ' minutes')::interval",
            "updated_at": "now() - (g || ' minutes')::interval",
        }
        select = ", ".join(made.get(c, f"t.{c}") for c in columns)
        conn.execute(f"INSERT INTO tenders ({', '.join(columns)}) SELECT {select} "  # noqa: S608
                     "FROM generate_series(1, %s) g, tenders t WHERE t.id = %s",
                     (n, template_id))
        conn.commit()
        conn.autocommit = True  # VACUUM: what autovacuum does after a bulk load (GIN pending list)
        conn.execute("VACUUM ANALYZE tenders")


def last_page_cursor(db_url: str, query: str, limit: int) -> str:
    """The cursor a client holds after walking to the last page of ``query``'s results."""
    with psycopg.connect(db_url) as conn:
        row = conn.execute(
            "SELECT created_at, id FROM tenders WHERE status <> 'draft' "  # noqa: S608
            f"{query} ORDER BY created_at ASC, id ASC OFFSET %s LIMIT 1", (limit,)).fetchone()
    return encode_cursor({"c": rfc3339(row[0]), "i": row[1]})


def measure(http: httpx.Client, url: str, params: dict[str, Any], n: int) -> tuple[list, int]:
    """``n`` sequential GETs; their latencies and the item count of the last answer."""
    latencies, items = [], 0
    for _ in range(n):
        t0 = time.perf_counter()
        resp = http.get(url, params=params)
        latencies.append(time.perf_counter() - t0)
        resp.raise_for_status()
        items = len(resp.json().get("items", [resp.json()]))
    return latencies, items


def arguments(name: str, doc: str | None, requests: int,
              argv: list[str] | None) -> argparse.Namespace:
    """The options of both search benches (``--full``: 100,000 tenders)."""
    parser = argparse.ArgumentParser(prog=f"python -m {name}", description=doc)
    parser.add_argument("--tenders", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=requests, help="requests per query")
    parser.add_argument("--full", action="store_true", help="100,000 tenders")
    parser.add_argument("--json", help="append the figures as a JSON line to this file")
    args = parser.parse_args(argv)
    if args.full:
        args.tenders = 100_000
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the search bench and print its figures."""
    args = arguments("bench.search", __doc__, 200, argv)
    header(f"search at scale: {args.tenders:,} published tenders")
    report = Report("search")
    extra = platform_env(extra=BENCH_ENV)
    db_url = extra["COPROCURE_COMMISSIONING_DATABASE_URL"]
    root = Path(tempfile.mkdtemp(prefix="coprocure-bench-search-"))
    with running_platform(extra, root=root) as plat:
        template = publish_tender(staff_client(plat, "commissioner"), 3600)
        t0 = time.monotonic()
        clone_tenders(db_url, template["id"], args.tenders)
        report.add("load_s", round(time.monotonic() - t0, 1))
        url = f"{plat.url()}/api/v1/tenders"
        queries = {
            "rare_word": ({"q": RARE}, f"AND title ILIKE '%%{RARE}%%'"),
            "common_word": ({"q": "wellbeing"}, "AND (title ILIKE '%%wellbeing%%' OR "
                                                "description ILIKE '%%wellbeing%%')"),
            "word_and_area": ({"q": "housing", "service_area": "public_health"},
                              "AND service_area = 'public_health' AND (title ILIKE "
                              "'%%housing%%' OR description ILIKE '%%housing%%')"),
            "area_only": ({"service_area": "leisure"}, "AND service_area = 'leisure'"),
            "first_page": ({}, ""),
        }
        with httpx.Client(timeout=30) as http:
            measure(http, url, {}, 20)  # warm the pools
            base, _ = measure(http, f"{url}/{template['id']}", {}, args.requests)
            baseline = report.add("baseline_get_tender", summary_ms(base))
            for name, (params, sql) in queries.items():
                lat, items = measure(http, url, {**params, "limit": 20}, args.requests)
                fig = summary_ms(lat)
                report.add(name, {**fig, "items": items,
                                  "p95_ratio": round(fig["p95_ms"] / baseline["p95_ms"], 2)})
                if name in ("common_word", "first_page"):
                    cursor = last_page_cursor(db_url, sql, 10)
                    lat, items = measure(http, url, {**params, "limit": 20, "cursor": cursor},
                                         args.requests)
                    fig = summary_ms(lat)
                    report.add(f"{name}_last_page", {
                        **fig, "items": items,
                        "p95_ratio": round(fig["p95_ms"] / baseline["p95_ms"], 2)})
    report.dump(args.json)
    return report.figures


if __name__ == "__main__":
    main()
