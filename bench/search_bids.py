"""Search at scale, the other lists: a bidder's own bids and the auditor's filtered history.

``python -m bench.search_bids [--bids 50000] [--full]`` (``--full``: 1,000,000 bids over 100,000
tenders) starts the whole platform on PostgreSQL. Through the API: a bidder registers, submits a
~5 KB bid to a tender due in two hours (the "hot" tender) and one to a tender due in seconds,
which the real close, relay and worker assess (its ``bids_opened`` and ``bid_assessed`` audit
entries). Then in SQL, cloning those real rows: ``--tenders`` (bids / 10) published tenders;
``--bids`` submitted bids spread over them from 20,011 organisations; on the hot tender bids / 100
bids from other organisations and, from our bidder, bids / 500 (at least 1,000) withdrawn bids
encrypted for their own ids (so the service can read them); our bidder's bid on every tenth
tender; and one ``bid_assessed`` audit entry per bid and one ``bids_opened`` per tender (lines
with their own seq and ids, leaf hashes recomputed; the Merkle nodes are not extended, as the
listing never reads them). VACUUM ANALYZE. Then, one request at a time through the gateway with
real bearer tokens, p50/p95 of the first page and the last page reached by cursor of: the
bidder's own bids on the hot tender (``GET /tenders/{id}/bids``, the bidder's "my bids"), and the
auditor's ``GET /audit/events`` by tender, by type, and by bid; with the ``EXPLAIN ANALYZE`` of
the SQL each runs. Baseline, same run: ``GET /tenders/{id}`` with the bidder's token.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench.common import Report, header, platform_env, running_platform, summary_ms
from bench.fixtures import BENCH_ENV, bid_body, publish_tender, register_bidders, staff_client
from bench.search import clone_tenders, measure
from services.commissioning.adapters.crypto import (
    decrypt_content,
    encrypt_content,
    master_key_bytes,
    unwrap_data_key,
)
from shared.config import secret
from shared.schemas import encode_cursor
from shared.time import rfc3339

ORGS = 20_011  # prime: (tender, organisation) pairs of the spread bids never repeat
LIMIT = 50  # the default page


def _tid(expr: str) -> str:
    return f"'tnd_b' || lpad(({expr})::text, 9, '0')"


def _clone(conn: psycopg.Connection, table: str, made: dict[str, str], source: str,
           params: tuple) -> int:
    """INSERT … SELECT of ``table``'s columns, ``made`` ones computed, the rest copied."""
    columns = [r[0] for r in conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "ORDER BY ordinal_position", (table,)).fetchall()]
    select = ", ".join(made.get(c, f"t.{c}") for c in columns)
    cur = conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                       f"SELECT {select} FROM {source}", params)
    return cur.rowcount


def seed_bids(db_url: str, template: str, hot: str, tenders: int, bids: int,
              master: bytes) -> dict[str, int]:
    """The bids described in the module docstring, cloned from the real ``template`` bid."""
    hot_bids, withdrawn, spread = max(100, bids // 100), max(1_000, bids // 500), tenders // 10
    stamp = "now() - ({}) * interval '1 second'"
    with psycopg.connect(db_url) as conn:
        live = {"status": "'submitted'", "version": "1"}
        counts = {"spread": _clone(conn, "bids", {
            **live, "id": "'bid_b' || lpad(g::text, 9, '0')",
            "tender_id": _tid(f"1 + mod(g, {tenders})"),
            "organisation_id": f"'org_b' || mod(g, {ORGS})",
            "live_org": f"'org_b' || mod(g, {ORGS})",
            "organisation_name": f"'Bench Bidder ' || mod(g, {ORGS})",
            "submitted_by_user_id": f"'usr_b' || mod(g, {ORGS})",
            **{c: stamp.format("g") for c in ("created_at", "submitted_at", "updated_at")},
        }, "generate_series(1, %s) g, bids t WHERE t.id = %s", (bids, template))}
        counts["hot_others"] = _clone(conn, "bids", {
            **live, "id": "'bid_h' || lpad(g::text, 9, '0')", "tender_id": "%s",
            "organisation_id": "'org_h' || g", "live_org": "'org_h' || g",
            "organisation_name": "'Hot Bidder ' || g", "submitted_by_user_id": "'usr_h' || g",
            **{c: stamp.format("g") for c in ("created_at", "submitted_at", "updated_at")},
        }, "generate_series(1, %s) g, bids t WHERE t.id = %s", (hot, hot_bids, template))
        counts["own_spread"] = _clone(conn, "bids", {
            **live, "id": "'bid_o' || lpad(g::text, 9, '0')", "tender_id": _tid("g * 10"),
            **{c: stamp.format("g") for c in ("created_at", "submitted_at", "updated_at")},
        }, "generate_series(1, %s) g, bids t WHERE t.id = %s", (spread, template))
        # Withdrawn bids the service must decrypt when it lists them: sealed for their own ids.
        cipher, version, wrapped = conn.execute(
            "SELECT b.ciphertext, b.version, t.wrapped_data_key FROM bids b JOIN tenders t "
            "ON t.id = b.tender_id WHERE b.id = %s", (template,)).fetchone()
        key = unwrap_data_key(master, wrapped, hot)
        plain = decrypt_content(key, template, version, cipher)
        conn.execute("CREATE TEMP TABLE sealed (g int, id text, ciphertext bytea)")
        with conn.cursor().copy("COPY sealed (g, id, ciphertext) FROM STDIN") as copy:
            for g in range(1, withdrawn + 1):
                bid_id = f"bid_w{g:09d}"
                copy.write_row((g, bid_id, encrypt_content(key, bid_id, 1, plain)))
        counts["own_withdrawn"] = _clone(conn, "bids", {
            "id": "s.id", "ciphertext": "s.ciphertext", "status": "'withdrawn'",
            "live_org": "NULL", "version": "1", "withdrawn_at": stamp.format("s.g"),
            **{c: stamp.format("s.g + 60") for c in ("created_at", "submitted_at", "updated_at")},
        }, "sealed s, bids t WHERE t.id = %s", (template,))
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE bids")
    return counts


def seed_audit(db_url: str, hot: str, closing: str, closing_bid: str, tenders: int,
               bids: int) -> int:
    """One ``bid_assessed`` entry per seeded bid and one ``bids_opened`` per tender, cloned
    from the real entries of the closed tender (ids and seq replaced in the line)."""
    hot_bids = max(100, bids // 100)
    with psycopg.connect(db_url) as conn:
        made_total = 0
        plan = [  # (template type, how many, bid id, tender id)
            ("bid_assessed", bids, "'bid_b' || lpad(g::text, 9, '0')",
             _tid(f"1 + mod(g, {tenders})")),
            ("bid_assessed", hot_bids, "'bid_h' || lpad(g::text, 9, '0')", "%(hot)s"),
            ("bids_opened", tenders, "NULL", _tid("g")),
        ]
        for event_type, n, bid, tender in plan:
            base = conn.execute("SELECT max(seq) + 1 FROM audit_entries").fetchone()[0]
            tpl = conn.execute("SELECT seq FROM audit_entries WHERE tender_id = %s AND "
                               "event_type = %s ORDER BY seq LIMIT 1",
                               (closing, event_type)).fetchone()[0]
            bid_col = bid if bid != "NULL" else "t.bid_id"
            new_line = (f"regexp_replace(replace(replace(t.line, %(bid)s, coalesce({bid_col}, "
                        f"'')), %(tnd)s, {tender}), '\"seq\":[0-9]+', "
                        "'\"seq\":' || (%(base)s + g - 1))")
            # Nested SELECT: the new line is computed once, then hashed as the leaf.
            conn.execute(
                "INSERT INTO audit_entries (seq, event_type, tender_id, object_type, object_id, "  # noqa: S608
                "bid_id, criterion_key, actor_id, actor_role, evaluator_id, occurred_at, line, "
                "leaf_hash) SELECT seq, event_type, tender_id, object_type, object_id, bid_id, "
                "criterion_key, actor_id, actor_role, evaluator_id, occurred_at, line, "
                "encode(sha256('\\x00'::bytea || convert_to(line, 'UTF8')), 'hex') FROM ("
                f"SELECT %(base)s + g - 1 AS seq, t.event_type, {tender} AS tender_id, "
                "t.object_type, "
                f"CASE WHEN t.object_type = 'bid' THEN {bid_col} ELSE {tender} END AS object_id, "
                f"{bid_col} AS bid_id, t.criterion_key, t.actor_id, t.actor_role, t.evaluator_id, "
                f"t.occurred_at, {new_line} AS line "
                "FROM generate_series(1, %(n)s) g, audit_entries t WHERE t.seq = %(tpl)s) x",
                {"base": base, "n": n, "tpl": tpl, "hot": hot, "bid": closing_bid,
                 "tnd": closing})
            conn.execute(
                "INSERT INTO audit_payloads (seq, payload, withheld) SELECT %(base)s + g - 1, "
                "p.payload, p.withheld FROM generate_series(1, %(n)s) g, audit_payloads p "
                "WHERE p.seq = %(tpl)s", {"base": base, "n": n, "tpl": tpl})
            made_total += n
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE audit_entries")
        conn.execute("VACUUM ANALYZE audit_payloads")
    return made_total


def wait_assessed(http: httpx.Client, url: str, headers: dict, bid_id: str,
                  timeout: float = 180) -> None:
    """Until the worker has logged the closing tender's bid as assessed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        resp = http.get(url, params={"bid_id": bid_id, "type": "bid_assessed"}, headers=headers)
        if resp.status_code == 200 and resp.json()["items"]:
            return
        time.sleep(1)
    raise TimeoutError(f"bid {bid_id} not assessed within {timeout} s")


def explain(db_url: str, sql: str, params: tuple) -> list[str]:
    """The ``EXPLAIN ANALYZE`` lines of one query."""
    with psycopg.connect(db_url) as conn:
        return [r[0] for r in conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)]


# The SQL the services run for these pages (list_bids; audit_queries.list_events: the page's
# seqs, then its entries and payloads by seq).
BIDS_SQL = ("SELECT * FROM bids WHERE tender_id = %s AND organisation_id = %s {cursor} "
            "ORDER BY created_at, id LIMIT %s")
AUDIT_SQL = ("SELECT seq FROM audit_entries WHERE seq > %s AND {column} = %s ORDER BY seq "
             "LIMIT %s")
AUDIT_FETCH_SQL = ("SELECT * FROM audit_entries e LEFT OUTER JOIN audit_payloads p ON "
                   "p.seq = e.seq AND p.seq IN ({seqs}) WHERE e.seq IN ({seqs}) ORDER BY e.seq")


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """Options (``--full``: 1,000,000 bids, 100,000 tenders)."""
    parser = argparse.ArgumentParser(prog="python -m bench.search_bids", description=__doc__)
    parser.add_argument("--bids", type=int, default=50_000)
    parser.add_argument("--tenders", type=int, default=None, help="default: bids / 10")
    parser.add_argument("--requests", type=int, default=200, help="requests per query")
    parser.add_argument("--full", action="store_true", help="1,000,000 bids")
    parser.add_argument("--json", help="append the figures as a JSON line to this file")
    args = parser.parse_args(argv)
    if args.full:
        args.bids = 1_000_000
    args.tenders = args.tenders or max(100, args.bids // 10)
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the bench and print its figures."""
    args = arguments(argv)
    header(f"search at scale: my bids and audit history, {args.bids:,} bids, "
           f"{args.tenders:,} tenders")
    report = Report("search_bids")
    extra = platform_env(extra=BENCH_ENV)
    com_url = extra["COPROCURE_COMMISSIONING_DATABASE_URL"]
    sco_url = extra["COPROCURE_SCORING_DATABASE_URL"]
    root = Path(tempfile.mkdtemp(prefix="coprocure-bench-search-bids-"))
    with running_platform(extra, root=root) as plat:
        base = f"{plat.url()}/api/v1"
        commissioner = staff_client(plat, "commissioner")
        auditor = {"Authorization": f"Bearer {staff_client(plat, 'auditor').token}"}
        bidder = asyncio.run(register_bidders(plat.url(), 1))[0]
        org = bidder["user"]["organisation"]["id"]
        mine = {"Authorization": f"Bearer {bidder['token']}"}
        rng = random.Random(20)
        hot = publish_tender(commissioner, 7200)["id"]
        closing = publish_tender(commissioner, 8)["id"]
        with httpx.Client(timeout=60) as http:
            posted = []
            for tender in (closing, hot):
                resp = http.post(f"{base}/tenders/{tender}/bids", json=bid_body(rng),
                                 headers=mine)
                resp.raise_for_status()
                posted.append(resp.json()["id"])
            closing_bid, template = posted
            report.note("waiting for the close to be assessed")
            wait_assessed(http, f"{base}/audit/events", auditor, closing_bid)
        t0 = time.monotonic()
        clone_tenders(com_url, hot, args.tenders)
        environ = {**os.environ, **extra, "COPROCURE_VAR_DIR": str(root)}
        master = master_key_bytes(secret("MASTER_KEY", environ=environ))
        report.add("bids_seeded", seed_bids(com_url, template, hot, args.tenders,
                                            args.bids, master))
        report.add("audit_entries_seeded", seed_audit(sco_url, hot, closing, closing_bid,
                                                      args.tenders, args.bids))
        report.add("load_s", round(time.monotonic() - t0, 1))
        measure_all(report, args, base, hot, org, mine, auditor, com_url, sco_url)
    report.dump(args.json)
    return report.figures


def measure_all(report: Report, args: argparse.Namespace, base: str, hot: str, org: str,
                mine: dict, auditor: dict, com_url: str, sco_url: str) -> None:
    """The figures and plans (see the module docstring)."""
    with psycopg.connect(com_url) as conn:
        c, i = conn.execute(
            "SELECT created_at, id FROM bids WHERE tender_id = %s AND organisation_id = %s "
            "ORDER BY created_at DESC, id DESC OFFSET %s LIMIT 1", (hot, org, LIMIT)).fetchone()
    bids_cursor = encode_cursor({"c": rfc3339(c), "i": i})
    middle_bid = f"bid_b{args.bids // 2:09d}"
    with psycopg.connect(sco_url) as conn:
        def before_last(column: str, value: str) -> int:
            return conn.execute(
                f"SELECT seq FROM audit_entries WHERE {column} = %s "  # noqa: S608
                "ORDER BY seq DESC OFFSET %s LIMIT 1", (value, LIMIT)).fetchone()[0]
        audit_last = {"tender": before_last("tender_id", hot),
                      "type": before_last("event_type", "bid_assessed")}
    pages = {  # name: (url, params, headers)
        "my_bids_first_page": (f"{base}/tenders/{hot}/bids", {}, mine),
        "my_bids_last_page": (f"{base}/tenders/{hot}/bids", {"cursor": bids_cursor}, mine),
        "audit_by_tender_first_page": (f"{base}/audit/events", {"tender_id": hot}, auditor),
        "audit_by_tender_last_page": (f"{base}/audit/events", {
            "tender_id": hot, "cursor": encode_cursor({"seq": audit_last["tender"]})}, auditor),
        "audit_by_type_first_page": (f"{base}/audit/events", {"type": "bid_assessed"}, auditor),
        "audit_by_type_last_page": (f"{base}/audit/events", {
            "type": "bid_assessed", "cursor": encode_cursor({"seq": audit_last["type"]})},
            auditor),
        "audit_by_bid": (f"{base}/audit/events", {"bid_id": middle_bid}, auditor),
    }
    with httpx.Client(timeout=60) as http:
        http.headers.update(mine)
        measure(http, f"{base}/tenders/{hot}", {}, 20)  # warm the pools
        lat, _ = measure(http, f"{base}/tenders/{hot}", {}, args.requests)
        baseline = report.add("baseline_get_tender", summary_ms(lat))
    for name, (url, params, headers) in pages.items():
        with httpx.Client(timeout=60, headers=headers) as http:
            measure(http, url, {**params, "limit": LIMIT}, 5)
            lat, items = measure(http, url, {**params, "limit": LIMIT}, args.requests)
        fig = summary_ms(lat)
        report.add(name, {**fig, "items": items,
                          "p95_ratio": round(fig["p95_ms"] / baseline["p95_ms"], 2)})
    cursor_sql = "AND (created_at, id) > (%s, %s)"
    last_seqs = ", ".join(str(audit_last["type"] + 1 + n) for n in range(LIMIT))
    plans = {
        "my_bids_first_page": (com_url, BIDS_SQL.format(cursor=""), (hot, org, LIMIT + 1)),
        "my_bids_last_page": (com_url, BIDS_SQL.format(cursor=cursor_sql),
                              (hot, org, c, i, LIMIT + 1)),
        **{f"audit_by_{name}_{page}_page": (sco_url, AUDIT_SQL.format(column=column), (
            -1 if page == "first" else audit_last[name], value, LIMIT + 1))
           for name, column, value in (("tender", "tender_id", hot),
                                       ("type", "event_type", "bid_assessed"))
           for page in ("first", "last")},
        "audit_by_bid": (sco_url, AUDIT_SQL.format(column="bid_id"), (-1, middle_bid, LIMIT + 1)),
        "audit_page_fetch": (sco_url, AUDIT_FETCH_SQL.format(seqs=last_seqs), ()),
    }
    report.add("plans", {name: explain(url, sql, params)
                         for name, (url, sql, params) in plans.items()})
    print(json.dumps(report.figures["plans"], indent=1), flush=True)


if __name__ == "__main__":
    main()
