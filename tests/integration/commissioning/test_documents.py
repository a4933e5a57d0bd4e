"""Documents through commissioning's API: tender documents (public once published, versioned),
bid documents sealed like the bid, limits, types and safe downloads."""

from __future__ import annotations

import hashlib

import pytest

from services.commissioning.context import context_from_app
from services.commissioning.service_layer.closing import close_due, record_scoring_result
from tests.support.builders import document_bytes

PDF = document_bytes("pdf", 200_000)  # four 64 KiB blocks


def _errors(resp):
    assert resp.headers["Content-Type"].startswith("application/problem+json"), resp.data[:200]
    return resp.get_json().get("errors") or {}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_tender_documents_are_public_once_published_and_versioned(world):
    t = world.draft()
    first = world.upload(f"/tenders/{t['id']}/documents", PDF, who="commissioner",
                         filename="Specification.pdf", title="Specification")
    assert first.status_code == 201, first.get_json()
    doc = first.get_json()
    assert (doc["sha256"], doc["size"], doc["version"], doc["status"]) == (
        _sha(PDF), len(PDF), 1, "current")
    # A draft's documents exist only for its organisation's commissioners.
    assert world.get(f"/tenders/{t['id']}/documents", who="bidder").status_code == 404
    assert world.get(f"/tenders/{t['id']}/documents/{doc['id']}/content",
                     who="bidder").status_code == 404
    world.post(f"/tenders/{t['id']}/publish")
    listed = world.get(f"/tenders/{t['id']}/documents", who="bidder").get_json()["items"]
    assert [d["id"] for d in listed] == [doc["id"]]
    got = world.get(f"/tenders/{t['id']}/documents/{doc['id']}/content", who="bidder")
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Disposition"] == 'attachment; filename="Specification.pdf"'
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Type"] == "application/pdf"
    # A new version supersedes the old, which stays readable.
    v2 = world.upload(f"/tenders/{t['id']}/documents", document_bytes("docx"),
                      who="commissioner", filename="Specification v2.docx",
                      replaces=doc["id"]).get_json()
    assert (v2["version"], v2["supersedes"]) == (2, doc["id"])
    items = {d["id"]: d for d in world.get(f"/tenders/{t['id']}/documents",
                                           who="bidder").get_json()["items"]}
    assert items[doc["id"]]["status"] == "superseded"
    assert items[doc["id"]]["superseded_by"] == v2["id"]
    again = world.upload(f"/tenders/{t['id']}/documents", PDF, who="commissioner",
                         filename="x.pdf", replaces=doc["id"])
    assert again.status_code == 422 and "replaces" in _errors(again)
    # Only the owner adds documents.
    other = world.upload(f"/tenders/{t['id']}/documents", PDF, who="other_commissioner",
                         filename="x.pdf")
    assert other.status_code == 403


def test_documents_are_encrypted_at_rest(world):
    t = world.draft()
    secret = b"%PDF-1.4\nTHE-SECRET-PRICE-SCHEDULE-418000\n%%EOF\n"
    world.upload(f"/tenders/{t['id']}/documents", secret, who="commissioner", filename="a.pdf")
    stored = list((world.app.config["DOCUMENT_DIR"] and
                   __import__("pathlib").Path(world.app.config["DOCUMENT_DIR"])).rglob("doc_*"))
    assert stored and all(b"THE-SECRET" not in p.read_bytes() for p in stored)


@pytest.mark.parametrize(("data", "name", "field", "status"), [
    (document_bytes("xlsx"), "prices.pdf", "file", 422),       # another type renamed .pdf
    (b"MZ\x90\x00" + b"\x00" * 64, "tool.pdf", "file", 422),   # an executable renamed .pdf
    (b"", "empty.pdf", "file", 422),                           # 0 bytes
    (PDF, "script.exe", "filename", 422),                      # a forbidden extension
    (PDF, "", "filename", 422),
])
def test_bad_uploads_are_refused_naming_the_field_and_leave_nothing(world, data, name, field,
                                                                    status):
    t = world.published()
    bid = world.bid(t["id"]).get_json()
    resp = world.upload(f"/bids/{bid['id']}/documents", data, filename=name)
    assert resp.status_code == status and field in _errors(resp)
    assert world.get(f"/bids/{bid['id']}/documents", who="bidder").get_json()["items"] == []
    assert "documents" not in world.get(f"/bids/{bid['id']}", who="bidder").get_json()["receipt"]


def test_size_limits_per_file_and_per_bid_are_413_naming_the_file(make_app):
    from tests.integration.commissioning.conftest import Clock, World, cast

    clock = Clock()
    app = make_app("commissioning", CLOCK=clock, MAX_DOCUMENT_BYTES=150_000,
                   MAX_BID_DOCUMENTS_BYTES=250_000)
    world = World(app=app, client=app.test_client(), clock=clock, actors=cast())
    t = world.published()
    bid = world.bid(t["id"]).get_json()
    big = world.upload(f"/bids/{bid['id']}/documents", document_bytes("pdf", 160_000),
                       filename="big.pdf")
    assert big.status_code == 413 and "file" in _errors(big)
    for _ in range(2):
        ok = world.upload(f"/bids/{bid['id']}/documents", document_bytes("pdf", 100_000),
                          filename="part.pdf")
        assert ok.status_code == 201, ok.get_json()
    full = world.upload(f"/bids/{bid['id']}/documents", document_bytes("pdf", 100_000),
                        filename="third.pdf")
    assert full.status_code == 413 and "file" in _errors(full)
    assert len(world.get(f"/bids/{bid['id']}/documents", who="bidder").get_json()["items"]) == 2


def test_unknown_bid_and_another_organisations_bid_look_absent(world):
    t = world.published()
    bid = world.bid(t["id"]).get_json()
    for path, who in ((f"/bids/bid_{'0' * 32}/documents", "bidder"),
                      (f"/bids/{bid['id']}/documents", "bidder2")):
        resp = world.upload(path, PDF, who=who, filename="a.pdf")
        assert resp.status_code == 404, resp.get_json()
        assert resp.get_json()["title"] == "Not found"


def _set_panel(world, tender_id, blocked=None):
    members = [world.actors[w].user_id for w in ("panel_evaluator", "moderator")]
    record_scoring_result(context_from_app(world.app), {
        "schema_version": 1, "event_id": f"panel-{tender_id}", "event_type": "PanelSet",
        "tender_id": tender_id,
        "data": {"evaluators": members[:1], "moderator": members[1], "declared": members,
                 "blocked": {world.actors[w].user_id: ids
                             for w, ids in (blocked or {}).items()}}}, world.clock())


def test_bid_documents_are_sealed_then_follow_the_bids_rules(world):
    t = world.published()
    bid = world.bid(t["id"]).get_json()
    other = world.bid(t["id"], who="bidder2").get_json()
    method = document_bytes("txt", 1000)
    prices = document_bytes("xlsx")
    m = world.upload(f"/bids/{bid['id']}/documents", method, filename="method.txt").get_json()
    p = world.upload(f"/bids/{bid['id']}/documents", prices, filename="prices.xlsx",
                     price_schedule="true").get_json()
    receipt = p["receipt"]
    # (in upload order; this clock stands still, so compare without it)
    assert sorted(d["sha256"] for d in receipt["documents"]) == sorted([_sha(method),
                                                                        _sha(prices)])
    assert world.get(f"/bids/{bid['id']}", who="bidder_colleague").get_json()["receipt"] == \
        receipt
    _set_panel(world, t["id"], blocked={"moderator": [bid["id"]]})
    urls = [f"/bids/{bid['id']}/documents", f"/bids/{bid['id']}/documents/{m['document']['id']}",
            f"/bids/{bid['id']}/documents/{m['document']['id']}/content",
            f"/bids/{bid['id']}/documents/{p['document']['id']}/content"]
    everyone_else = ("commissioner", "colleague", "other_commissioner", "bidder2", "evaluator",
                     "panel_evaluator", "moderator", "auditor", "admin")
    for who in everyone_else:  # before the deadline: nothing, for every role
        for url in urls:
            assert world.get(url, who=who).status_code == 404, (who, url)
    world.pass_deadline(t)
    close_due(context_from_app(world.app), world.clock())
    for who in ("commissioner", "auditor"):
        assert world.get(urls[3], who=who).data == prices
    panel = world.get(urls[0], who="panel_evaluator").get_json()["items"]
    assert [d["filename"] for d in panel] == ["method.txt"]  # never the price schedule
    assert world.get(urls[2], who="panel_evaluator").data == method
    assert world.get(urls[3], who="panel_evaluator").status_code == 404
    assert "documents" not in world.get(f"/bids/{bid['id']}",
                                        who="panel_evaluator").get_json()["receipt"]
    for who, url in (("moderator", urls[2]), ("bidder2", urls[2]), ("evaluator", urls[2]),
                     ("other_commissioner", urls[0])):
        assert world.get(url, who=who).status_code == 404, (who, url)  # conflicted, outsiders
    assert world.get(f"/bids/{other['id']}/documents", who="moderator").status_code == 200
    # And nothing can be attached or removed after the deadline.
    late = world.upload(f"/bids/{bid['id']}/documents", method, filename="late.txt")
    assert late.status_code == 409


def test_opening_carries_each_documents_hash_in_the_snapshot(world):
    t = world.published()
    bid = world.bid(t["id"]).get_json()
    world.bid(t["id"], who="bidder2")
    world.upload(f"/bids/{bid['id']}/documents", PDF, filename="policy.pdf")
    world.pass_deadline(t)
    close_due(context_from_app(world.app), world.clock())
    from sqlalchemy import select

    from services.commissioning.adapters.tables import outbox
    with world.app.extensions["coprocure"].session_factory() as session:
        payloads = [row.payload for row in session.execute(select(outbox))
                    if row.event_type == "TenderClosed" and row.queue == "scoring"]
    opened = {b["bid_id"]: b for b in payloads[-1]["bids"]}
    assert [d["sha256"] for d in opened[bid["id"]]["documents"]] == [_sha(PDF)]
    assert all("documents" not in b for k, b in opened.items() if k != bid["id"])


def test_removing_a_document_before_the_deadline_updates_the_receipt(world):
    t = world.published()
    bid = world.bid(t["id"]).get_json()
    doc = world.upload(f"/bids/{bid['id']}/documents", PDF, filename="a.pdf").get_json()
    resp = world.client.delete(f"/api/v1/bids/{bid['id']}/documents/{doc['document']['id']}",
                               headers=world.h("bidder"))
    assert resp.status_code == 200 and "documents" not in resp.get_json()
    assert world.get(f"/bids/{bid['id']}/documents", who="bidder").get_json()["items"] == []


def test_the_database_store_serves_the_same_api(make_app):
    from tests.integration.commissioning.conftest import Clock, World, cast

    clock = Clock()
    app = make_app("commissioning", CLOCK=clock, DOCUMENT_STORE="database")
    world = World(app=app, client=app.test_client(), clock=clock, actors=cast())
    t = world.published()
    doc = world.upload(f"/tenders/{t['id']}/documents", PDF, who="commissioner",
                       filename="spec.pdf").get_json()
    got = world.get(f"/tenders/{t['id']}/documents/{doc['id']}/content", who="bidder")
    assert got.status_code == 200 and got.data == PDF
    from sqlalchemy import func, select

    from services.commissioning.adapters.tables import document_blocks
    with app.extensions["coprocure"].session_factory() as session:
        assert session.scalar(select(func.count()).select_from(document_blocks).where(
            document_blocks.c.blob_key == doc["id"])) == 4


def test_another_tenders_document_is_neither_readable_nor_replaceable_through_this_one(world):
    first, second = world.published(), world.published()
    doc = world.upload(f"/tenders/{first['id']}/documents", PDF, who="commissioner",
                       filename="spec.pdf").get_json()
    for tail in ("", "/content"):
        resp = world.get(f"/tenders/{second['id']}/documents/{doc['id']}{tail}", who="bidder")
        assert resp.status_code == 404
    resp = world.upload(f"/tenders/{second['id']}/documents", PDF, who="commissioner",
                        filename="spec.pdf", replaces=doc["id"])
    assert resp.status_code == 422 and "replaces" in _errors(resp)
