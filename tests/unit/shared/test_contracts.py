"""The queue contract's snapshot pages: a large close's opened bids by reference."""

from __future__ import annotations

import hashlib

import msgspec
import pytest

from shared.contracts import TenderClosed, load_payload, opened_bids_page, snapshot_pages
from tests.support.builders import bid_body, opened_bid, tender_closed, tender_document

SHA = "ab" * 32


def _bids(n: int) -> list[dict]:
    return [opened_bid(f"bid_{i}", f"org_{i}", f"Bidder {i}", bid_body()) for i in range(n)]


def test_bids_go_in_order_into_pages_of_the_given_size():
    bids = _bids(5)
    ref, blobs = snapshot_pages(SHA, bids, page_bids=2)
    assert ref["count"] == 5 and [p["bids"] for p in ref["pages"]] == [2, 2, 1]
    assert [p["key"] for p in ref["pages"]] == [f"coprocure:snapshot:{SHA}:{i}" for i in range(3)]
    back = [b for p in ref["pages"] for b in opened_bids_page(p, blobs[p["key"]])[0]]
    assert back == bids
    assert snapshot_pages(SHA, [], page_bids=2) == ({"count": 0, "pages": []}, {})


def test_a_page_missing_altered_miscounted_or_not_bids_is_refused_by_name():
    ref, blobs = snapshot_pages(SHA, _bids(2), page_bids=2)
    page, body = ref["pages"][0], blobs[ref["pages"][0]["key"]]
    with pytest.raises(ValueError, match="is not in Redis"):
        opened_bids_page(page, None)
    with pytest.raises(ValueError, match="does not match its sha256"):
        opened_bids_page(page, body.replace(b"bid_0", b"bid_9"))
    with pytest.raises(ValueError, match="holds 2 bids, not 3"):
        opened_bids_page({**page, "bids": 3}, body)
    junk = msgspec.json.encode([{"bid_id": "x"}])
    with pytest.raises(ValueError, match="is not a list of opened bids"):
        opened_bids_page({**page, "sha256": hashlib.sha256(junk).hexdigest(), "bids": 1}, junk)


def test_a_tender_closed_has_its_bids_inline_or_by_reference_never_both_nor_neither():
    closed = tender_closed(tender_document(organisation_id="org_c", owner_user_id="usr_o"),
                           _bids(1))
    assert len(load_payload(TenderClosed, closed)["bids"]) == 1
    ref, _ = snapshot_pages(closed["snapshot_sha256"], closed["bids"])
    by_ref = {**{k: v for k, v in closed.items() if k != "bids"}, "bids_ref": ref}
    assert load_payload(TenderClosed, by_ref)["bids_ref"]["count"] == 1
    for bad in ({**closed, "bids_ref": ref}, {k: v for k, v in closed.items() if k != "bids"}):
        with pytest.raises(ValueError, match="bids"):
            load_payload(TenderClosed, bad)
