"""Tender search on SQLite (the laptop path) with many tenders: the FTS5 trigram index against
the scan it replaced, in the same run.

``python -m bench.search_sqlite [--tenders 20000] [--full]`` (``--full``: 100,000) builds the
commissioning app in-process on a fresh SQLite database migrated to head, publishes one tender
through its API, clones it in SQL into ``--tenders`` published tenders (titles and descriptions
drawn from bench.search's vocabulary, one word in a thousand rare) and times, through the app's
test client with a signed assertion, ``GET /api/v1/tenders?q=…`` for a rare word, a common word
and a word with a service area: as the search now answers (the FTS5 index for words in few
tenders, the walk of the newest for common ones: adapters/search.py), then with the index
bypassed (the substring scan of before migration 0011). Baseline, same run:
``GET /tenders/{id}`` (a primary-key read).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import Report, header, summary_ms
from bench.search import AREAS, RARE, WORDS, arguments
from services.commissioning.adapters import search
from shared.identity import HEADER, Identity, sign_assertion

KEY = "YmVuY2gtc2VhcmNoLXNxbGl0ZS1hc3NlcnRpb24ta2V5IQ=="


def clone(db: Path, template_id: str, n: int) -> None:
    """``n`` published copies of the template, in one statement (the triggers index each)."""
    conn = sqlite3.connect(db)
    columns = [row[1] for row in conn.execute("PRAGMA table_info(tenders)")]
    words = " ".join(f"WHEN {i} THEN '{w}'" for i, w in enumerate(WORDS))
    areas = " ".join(f"WHEN {i} THEN '{a}'" for i, a in enumerate(AREAS))
    made = {
        "id": "'tnd_b' || printf('%09d', g)",
        "title": f"(CASE g % 20 {words} END) || ' ' || (CASE (g / 20) % 20 {words} END) "
                 f"|| ' service ' || g || CASE WHEN g % 1000 = 7 THEN ' {RARE}' ELSE '' END",
        "description": f"'A service for ' || (CASE (g / 7) % 20 {words} END) || ' and ' || "
                       f"(CASE (g / 3) % 20 {words} END) || ' in the borough.'",
        "service_area": f"(CASE g % 12 {areas} END)",
        "created_at": "datetime(created_at, '-' || g || ' minutes')",
    }
    select = ", ".join(made.get(c, c) for c in columns)
    sql = (f"INSERT INTO tenders ({', '.join(columns)}) WITH RECURSIVE gen(g) AS "  # noqa: S608 - constants
           f"(SELECT 1 UNION ALL SELECT g + 1 FROM gen WHERE g < {int(n)}) "
           f"SELECT {select} FROM tenders, gen WHERE tenders.id = ?")
    conn.execute(sql, (template_id,))
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def timed(client: Any, headers: dict[str, str], path: str, n: int) -> tuple[dict, int]:
    """p50/p95 of ``n`` GETs and the number of items the last one returned."""
    took, items = [], 0
    for _ in range(n):
        start = time.perf_counter()
        resp = client.get(path, headers=headers)
        took.append(time.perf_counter() - start)
        assert resp.status_code == 200, resp.get_json()
        items = len(resp.get_json().get("items", [1]))
    return summary_ms(took), items


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the SQLite search bench and print its figures."""
    os.environ.setdefault("COPROCURE_LOG_LEVEL", "WARNING")  # not a line per request
    from services.commissioning.app import create_app
    from services.demo.scenario import tender_body
    from shared.migrate import upgrade

    args = arguments("bench.search_sqlite", __doc__, 30, argv)
    n = args.tenders
    header(f"tender search on SQLite: {n:,} tenders, {args.requests} requests a query")
    report = Report("search_sqlite")
    db = Path(tempfile.mkdtemp(prefix="coprocure-bench-search-")) / "commissioning.db"
    url = f"sqlite:///{db}"
    upgrade(Path(__file__).resolve().parent.parent / "services/commissioning/migrations", url)
    app = create_app({"DATABASE_URL": url, "ASSERTION_KEY": KEY, "SANDBOX": True})
    client = app.test_client()
    staff = {HEADER: sign_assertion(KEY, Identity(user_id="usr_bench", organisation_id="org_b",
                                                  roles=("commissioner",)))}
    made = client.post("/api/v1/tenders", json=tender_body(3600, 7200), headers=staff).get_json()
    published = client.post(f"/api/v1/tenders/{made['id']}/publish", headers=staff)
    assert published.status_code == 200, published.get_json()
    started = time.perf_counter()
    clone(db, made["id"], n)
    report.add("clone_s", round(time.perf_counter() - started, 1))
    anonymous = {HEADER: sign_assertion(KEY, Identity())}
    base, _ = timed(client, anonymous, f"/api/v1/tenders/{made['id']}", args.requests)
    report.add("baseline_get_tender", base)
    queries = {"rare word": f"q={RARE}", "common word": "q=loneliness",
               "word and area": "q=mentoring&service_area=housing"}
    for name, query in queries.items():
        path = f"/api/v1/tenders?{query}"
        indexed, items = timed(client, anonymous, path, args.requests)
        saved, search.TRIGRAM = search.TRIGRAM, 10**9  # bypass the index: the old scan
        try:
            scanned, items_scanned = timed(client, anonymous, path, args.requests)
        finally:
            search.TRIGRAM = saved
        assert items == items_scanned, (name, items, items_scanned)
        report.add(name, {"now_p50_ms": indexed["p50_ms"], "now_p95_ms": indexed["p95_ms"],
                          "scan_p50_ms": scanned["p50_ms"], "scan_p95_ms": scanned["p95_ms"],
                          "items": items,
                          "scan_over_now_p50": round(scanned["p50_ms"] / indexed["p50_ms"], 1),
                          "now_over_baseline_p50": round(indexed["p50_ms"] / base["p50_ms"],
                                                         2)})
    report.dump(args.json)
    return report.figures


if __name__ == "__main__":
    main()
