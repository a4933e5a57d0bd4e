"""Documents end to end, through the gateway only, on real processes: the tender's
specification (public, versioned), a document per bid and a price schedule, sealed until the
deadline for every role, then readable under the bid's rules; bad uploads refused naming the
field; each hash in the receipt and in the audit log at opening."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from services.demo.client import Client
from services.demo.runner import DemoRun
from shared.waiting import wait_until
from tests.e2e.test_full_tender import _create_admin
from tests.support.builders import document_bytes
from tests.support.journeys import assert_sealed

pytestmark = pytest.mark.e2e
LIMIT = 300_000  # per file; small, so an oversized upload is cheap to send


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def small_limits(platform_factory):
    return platform_factory(COPROCURE_MAX_DOCUMENT_BYTES=str(LIMIT),
                            COPROCURE_MAX_BID_DOCUMENTS_BYTES=str(2 * LIMIT))


def _problem(resp: httpx.Response, status: int, field: str | None = None) -> None:
    assert resp.status_code == status, (resp.status_code, resp.text[:300])
    assert resp.headers["content-type"].startswith("application/problem+json")
    if field:
        assert field in resp.json()["errors"], resp.json()


def _send(client: Client, path: str, data: bytes, **params) -> httpx.Response:
    return client.request("POST", path, content=data, params=params,
                          expect=(200, 201, 401, 403, 404, 409, 413, 422),
                          headers={"Content-Type": "application/octet-stream"})


def test_documents_on_the_tender_and_on_bids_sealed_until_the_deadline(small_limits):
    url = small_limits.url()
    demo = DemoRun(url, _create_admin(small_limits), deadline_seconds=16)
    demo.create_staff()
    demo.register_bidders()
    tender = demo.publish_tender()  # with its specification attached as a draft
    tid = tender["id"]
    anonymous = Client(url)
    (spec,) = anonymous.get(f"/tenders/{tid}/documents")["items"]
    got = anonymous.request("GET", f"/tenders/{tid}/documents/{spec['id']}/content")
    assert got.headers["content-disposition"] == 'attachment; filename="specification.txt"'
    assert got.headers["x-content-type-options"] == "nosniff"
    assert _sha(got.content) == spec["sha256"]
    commissioner = demo.clients["commissioner"]
    v2 = commissioner.upload(f"/tenders/{tid}/documents", document_bytes("pdf", 200_000),
                             filename="specification v2.pdf", replaces=spec["id"])
    versions = {d["id"]: d for d in anonymous.get(f"/tenders/{tid}/documents")["items"]}
    assert versions[spec["id"]]["status"] == "superseded" and v2["version"] == 2
    big = anonymous.request("GET", f"/tenders/{tid}/documents/{v2['id']}/content")
    assert big.content == document_bytes("pdf", 200_000)  # streamed through the gateway

    demo.submit_bids()  # each with its method statement
    demo.set_panel()
    strong = demo.clients["strong"]
    bid_id = demo.bids["strong"]["id"]
    prices = document_bytes("xlsx", 1000)
    attached = strong.upload(f"/bids/{bid_id}/documents", prices, filename="prices.xlsx",
                             price_schedule="true")
    hashes = [d["sha256"] for d in attached["receipt"]["documents"]]
    assert hashes == [demo.documents["strong"]["document"]["sha256"], _sha(prices)]

    # Bad input: problem+json naming the field, nothing attached.
    path = f"/bids/{bid_id}/documents"
    _problem(_send(strong, path, document_bytes("xlsx"), filename="renamed.pdf"), 422, "file")
    _problem(_send(strong, path, b"", filename="empty.pdf"), 422, "file")
    _problem(_send(strong, path, document_bytes("pdf", LIMIT + 50_000), filename="big.pdf"),
             413, "file")
    _problem(_send(strong, path, document_bytes("pdf"), filename="tool.exe"), 422, "filename")
    _problem(_send(strong, f"/bids/bid_{'0' * 32}/documents", document_bytes("pdf"),
                   filename="a.pdf"), 404)
    other_bid = demo.bids["outputs"]["id"]
    _problem(_send(strong, f"/bids/{other_bid}/documents", document_bytes("pdf"),
                   filename="a.pdf"), 404)
    assert len(strong.get(path)["items"]) == 2

    # Sealed until the deadline, for every role but the bidder's own organisation.
    docs = {d["filename"]: d for d in strong.get(path)["items"]}
    urls = [path] + [f"{path}/{d['id']}{tail}" for d in docs.values() for tail in ("",
                                                                                   "/content")]
    assert_sealed(demo, urls, owner="strong")
    admin = anonymous.as_user(demo.admin_token)
    admin.request("GET", urls[0], expect=403)

    demo.wait_for_deadline()
    _problem(_send(strong, path, document_bytes("pdf"), filename="late.pdf"), 409)
    demo.wait_for_assessment()
    # After: the owner and auditors read everything; the panel never the price schedule.
    schedule = f"{path}/{docs['prices.xlsx']['id']}/content"
    method = f"{path}/{docs['method-statement.txt']['id']}/content"
    for who in ("commissioner", "auditor"):
        assert demo.clients[who].request("GET", schedule).content == prices
    evaluator = demo.clients["evaluator1"]
    assert [d["filename"] for d in evaluator.get(path)["items"]] == ["method-statement.txt"]
    evaluator.request("GET", schedule, expect=404)
    assert _sha(evaluator.request("GET", method).content) == docs["method-statement.txt"][
        "sha256"]
    # A member whose declared conflict blocks the bid reads none of its documents.
    demo.clients["evaluator2"].post(f"/tenders/{tid}/conflicts", {"declarations": [
        {"bid_id": bid_id, "has_conflict": True, "detail": "My sister chairs its board."}]})
    wait_until(lambda: demo.clients["evaluator2"].request(
        "GET", method, expect=(200, 404)).status_code == 404, timeout=60,
        what="commissioning to learn of the conflict")
    demo.clients["outputs"].request("GET", method, expect=404)

    # The audit log's opening entry carries each document's hash.
    events = demo.clients["auditor"].get(
        f"/audit/events?tender_id={tid}&type=bids_opened")["items"]
    opened = {b["bid_id"]: b for b in events[0]["payload"]["bids"]}
    assert [d["sha256"] for d in opened[bid_id]["documents"]] == hashes
    assert all(len(b["documents"]) == 1 for k, b in opened.items() if k != bid_id)
