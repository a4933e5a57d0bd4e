"""Audit endpoints: tree heads, public key, proofs, filters, pagination, exports, negatives."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from click.testing import CliRunner

from shared.audit import checkpoint, merkle
from shared.audit.verify import verify_command
from tests.integration.scoring.audit.helpers import ANONYMOUS, EVALUATOR, fill, get
from tests.support.sql import every_page, sqlite_plan, statements_run


@pytest.fixture
def app(make_app):
    return make_app("scoring")


def _verify_head(app, head):
    key = checkpoint.load_public_key(get(app, "/audit/public-key", ANONYMOUS).json["public_key"])
    return checkpoint.verify_checkpoint(key, head["checkpoint"], head["signature"])


def test_tree_head_is_signed_and_tracks_the_log(app):
    empty = get(app, "/audit/tree-head", ANONYMOUS)
    assert empty.status_code == 200
    assert empty.json["tree_size"] == 0 and empty.json["root_hash"] == merkle.EMPTY_ROOT.hex()
    fill(app, 10)
    head = get(app, "/audit/tree-head", ANONYMOUS).json
    assert head["tree_size"] == 10
    size, root = _verify_head(app, head)
    assert (size, root.hex()) == (10, head["root_hash"])
    assert head["checkpoint"] == f"coprocure-audit\n10\n{checkpoint._b64(root)}\n"
    assert get(app, "/audit/tree-head", ANONYMOUS).json == head  # no new head if unchanged
    key = get(app, "/audit/public-key", ANONYMOUS).json
    assert key["algorithm"] == "ed25519" and key["key_id"] == head["key_id"]


def test_signing_key_comes_from_configuration(make_app):
    seed = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    app = make_app("scoring", AUDIT_SIGNING_KEY=seed)
    want = checkpoint.public_key_document(checkpoint.load_private_key(seed).public_key())
    assert get(app, "/audit/public-key", ANONYMOUS).json == want


def test_milestone_events_publish_a_head_in_their_transaction(app):
    fill(app, 3)
    fill(app, 1, start=3, per_tx=1, tender_id="tnd_b")
    from services.scoring.adapters.audit_log import append_event
    from services.scoring.context import context_from_app
    from shared.db import transaction

    now = app.config["CLOCK"]()
    with transaction(app.extensions["coprocure"].session_factory) as session:
        append_event(session, event_type="scoring_run_completed", tender_id="tnd_a",
                     object_type="scoring_run", object_id="run_1", actor_id="system:scoring",
                     actor_role="system", request_id=None, payload={"run_id": "run_1"},
                     model_version="m1", inputs_sha256="ab" * 32, occurred_at=now)
        append_event(session, event_type="bid_awarded", tender_id="tnd_a", object_type="bid",
                     object_id="bid_1", actor_id="usr_c", actor_role="commissioner",
                     request_id="r", payload={"bid_id": "bid_1"}, score=81.25,
                     occurred_at=now)
    from services.scoring.service_layer.tree_heads import tree_heads

    heads = tree_heads(context_from_app(app))
    assert heads[0]["tree_size"] == 6
    assert heads[0]["milestone"] == "scoring_run_completed+bid_awarded"
    assert _verify_head(app, heads[0]) == (6, bytes.fromhex(heads[0]["root_hash"]))


def test_inclusion_and_consistency_proofs_verify(app):
    fill(app, 21)
    old = get(app, "/audit/tree-head", ANONYMOUS).json
    fill(app, 16, start=21)
    head = get(app, "/audit/tree-head", ANONYMOUS).json
    for seq in (0, 7, 20, 36):
        proof = get(app, f"/audit/events/{seq}/proof").json
        assert proof["leaf_index"] == seq and proof["tree_size"] == 37
        assert merkle.verify_inclusion(bytes.fromhex(proof["leaf_hash"]), seq, 37,
                                       merkle.hashes_from_hex(proof["audit_path"]),
                                       bytes.fromhex(head["root_hash"]))
    old_proof = get(app, "/audit/events/5/proof?tree_size=21").json
    assert merkle.verify_inclusion(bytes.fromhex(old_proof["leaf_hash"]), 5, 21,
                                   merkle.hashes_from_hex(old_proof["audit_path"]),
                                   bytes.fromhex(old["root_hash"]))
    cons = get(app, "/audit/consistency?first=21&second=37", ANONYMOUS).json
    assert cons["first"] == 21 and cons["second"] == 37
    assert merkle.verify_consistency(21, 37, bytes.fromhex(old["root_hash"]),
                                     bytes.fromhex(head["root_hash"]),
                                     merkle.hashes_from_hex(cons["proof"]))
    assert get(app, "/audit/consistency?first=37", ANONYMOUS).json["proof"] == []


@pytest.mark.parametrize(("path", "status", "field"), [
    ("/audit/events/5/proof", 400, None),             # seq >= size
    ("/audit/events/2/proof?tree_size=2", 400, None),  # index >= tree_size
    ("/audit/events/1/proof?tree_size=99", 400, None),  # beyond the log
    ("/audit/events/1/proof?tree_size=0", 422, "tree_size"),
    ("/audit/events/1/proof?tree_size=-3", 422, "tree_size"),
    ("/audit/events/1/proof?tree_size=abc", 422, "tree_size"),
    ("/audit/events/1/proof?tree_size=99999999999999999999", 422, "tree_size"),
    ("/audit/events/1/proof?tree_sizes=2", 422, "tree_sizes"),
    ("/audit/consistency?first=4&second=3", 400, None),
    ("/audit/consistency?first=2&second=9", 400, None),
    ("/audit/consistency?first=0&second=3", 422, "first"),
    ("/audit/consistency?second=3", 422, "first"),
    ("/audit/consistency?first=x", 422, "first"),
    ("/audit/events?since=yesterday", 422, "since"),
    ("/audit/events?since=2027-01-02T00:00:00Z&until=2027-01-01T00:00:00Z", 422, "until"),
    ("/audit/events?since=2027-01-02T00:00:00", 422, "since"),
    ("/audit/events?cursor=%%%", 422, "cursor"),
    ("/audit/events?colour=red", 422, "colour"),
    ("/audit/events?limit=abc", 422, "limit"),
    ("/audit/export?format=xml", 422, "format"),
    ("/audit/export?tree_size=99", 400, None),  # a prefix beyond the log
])
def test_bad_queries_are_problems_naming_the_field(app, path, status, field):
    fill(app, 5)
    resp = get(app, path)
    assert resp.status_code == status, resp.json
    assert resp.mimetype == "application/problem+json"
    if field:
        assert field in json.dumps(resp.json.get("errors")), resp.json


def test_missing_entry_is_404(app):
    fill(app, 3)
    fill(app, 10, start=3)
    assert get(app, "/audit/events/99/proof?tree_size=5").status_code == 400
    assert get(app, "/audit/events/-1/proof").status_code == 404


@pytest.mark.parametrize("path", ["/audit/events", "/audit/events/0/proof", "/audit/export"])
def test_auditor_only(app, path):
    fill(app, 1)
    assert get(app, path, ANONYMOUS).status_code == 401
    assert get(app, path, EVALUATOR).status_code == 403
    assert app.test_client().get("/api/v1" + path).status_code == 401  # no assertion at all


def test_filters_and_cursor_pagination(app):
    fill(app, 40)
    fill(app, 5, start=40, tender_id="tnd_b")
    page = get(app, "/audit/events?tender_id=tnd_a&bid_id=bid_1&limit=3").json
    seqs = [e["seq"] for e in page["items"]]
    while page["next_cursor"]:
        page = get(app, f"/audit/events?tender_id=tnd_a&bid_id=bid_1&limit=3"
                        f"&cursor={page['next_cursor']}").json
        seqs += [e["seq"] for e in page["items"]]
    assert seqs == [i for i in range(40) if i % 4 == 1]
    item = get(app, "/audit/events?type=score_recorded&limit=1").json["items"][0]
    assert item["payload"]["score"] == 0 and item["payload_withheld"] is False
    assert {e["seq"] for e in get(app, "/audit/events?tender_id=tnd_b").json["items"]} == \
        set(range(40, 45))
    by_key = get(app, "/audit/events?criterion_key=Q2&actor_id=usr_1&limit=200").json["items"]
    assert [e["seq"] for e in by_key] == [i for i in range(45) if i % 5 == 1 and i % 3 == 1]
    assert get(app, "/audit/events?evaluator_id=usr_2").json["items"][0]["seq"] == 2
    assert get(app, "/audit/events?type=bid_awarded").json == {"items": [], "next_cursor": None}
    too_many = get(app, "/audit/events?limit=201")  # the schema's maximum is 200
    assert too_many.status_code == 422 and "limit" in too_many.json["errors"]
    assert get(app, "/audit/events?since=2000-01-01T00:00:00Z&until=2000-01-02T00:00:00Z"
                ).json["items"] == []
    assert len(get(app, "/audit/events?since=2000-01-01T00:00:00%2B01:00&limit=200"
                   ).json["items"]) == 45


def test_jsonl_export_is_the_canonical_lines_and_verifies(app, tmp_path):
    entries = fill(app, 2345, per_tx=500)
    resp = get(app, "/audit/export?format=jsonl")
    assert resp.status_code == 200 and resp.is_streamed
    assert resp.headers["X-Audit-Tree-Size"] == "2345"
    body = resp.get_data()
    assert body.split(b"\n")[:-1] == [merkle_line(e) for e in entries]
    export = tmp_path / "audit.jsonl"
    export.write_bytes(body)
    head = tmp_path / "head.json"
    head.write_text(json.dumps(get(app, "/audit/tree-head", ANONYMOUS).json))
    key = tmp_path / "key.json"
    key.write_text(json.dumps(get(app, "/audit/public-key", ANONYMOUS).json))
    proof = tmp_path / "proof.json"
    proof.write_text(json.dumps(get(app, "/audit/events/1234/proof").json))
    result = CliRunner().invoke(verify_command, [
        str(export), "--tree-head", str(head), "--public-key", str(key),
        "--inclusion-proof", str(proof), "--entry", "1234"])
    assert result.exit_code == 0, result.output
    assert "OK: 2345 entries" in result.output
    prefix = get(app, "/audit/export?tree_size=7").get_data()
    assert prefix == b"".join(merkle_line(e) + b"\n" for e in entries[:7])


def merkle_line(entry) -> bytes:
    from shared.canonical import canonical_json

    return canonical_json(entry)


def test_csv_export_has_a_header_and_one_row_per_entry(app):
    entries = fill(app, 12)
    resp = get(app, "/audit/export?format=csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert len(rows) == 12
    assert [int(r["seq"]) for r in rows] == list(range(12))
    assert rows[5]["object_id"] == entries[5]["object_id"]
    assert rows[5]["score"] == str(entries[5]["score"]) and rows[5]["model_version"] == ""
    assert len(rows[0]["leaf_hash"]) == 64


def test_one_entry_by_seq_and_the_history_of_tree_heads(app):
    entries = fill(app, 7)
    one = get(app, "/audit/events/3").json
    assert one["seq"] == 3 and one["object_id"] == entries[3]["object_id"]
    assert one["leaf_hash"] == hashlib.sha256(b"\x00" + merkle_line(entries[3])).hexdigest()
    assert get(app, "/audit/events/7").status_code == 404
    assert get(app, "/audit/events/3", ANONYMOUS).status_code == 401
    head = get(app, "/audit/tree-head", ANONYMOUS).json
    listed = get(app, "/audit/tree-heads?limit=5", ANONYMOUS).json["items"]
    assert listed[0]["tree_size"] == 7 and listed[0]["signature"] == head["signature"]
    assert get(app, "/audit/tree-heads?limit=0", ANONYMOUS).status_code == 422


def test_filtered_pages_by_cursor_give_each_entry_once_through_the_column_index(app):
    """Every entry of a filter once, in seq order, with its own payload; on SQLite the page is
    one range scan of the (column, seq) index from the cursor (migration 0004), no sort."""
    fill(app, 12)
    fill(app, 6, start=12, tender_id="tnd_b")
    fill(app, 12, start=18)
    factory = app.extensions["coprocure"].session_factory
    with factory() as session:
        engine = session.get_bind()
    with statements_run(engine, "ORDER BY", "LIMIT") as statements:
        seen = every_page(lambda path: get(app, path).json, "/audit/events?tender_id=tnd_a&limit=5")
    assert [e["seq"] for e in seen] == list(range(12)) + list(range(18, 30))
    assert [e["payload"]["justification"] for e in seen] == [
        f"reason {e['seq']} — ünïcödé" for e in seen]
    if engine.dialect.name != "sqlite":
        return
    with factory() as session:
        plan = sqlite_plan(session, *statements[-1])  # a page after a cursor
    assert "INDEX ix_audit_entries_tender_id_seq (tender_id=? AND seq>?)" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
