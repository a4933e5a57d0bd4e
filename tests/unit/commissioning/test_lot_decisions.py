"""Lot decisions applied in any order: every lot recorded, the tender awarded once all are."""

from __future__ import annotations

from datetime import UTC, datetime

from services.commissioning.adapters.tables import Tender
from services.commissioning.service_layer.closing import _apply

NOW = datetime(2027, 2, 1, 12, tzinfo=UTC)


def _awarded(lot: str, bid: str, complete: bool) -> dict:
    return {"lot_key": lot, "bid_id": bid, "run_id": f"run_{lot}", "justification": None,
            "awarded_at": "2027-02-01T12:00:00Z", "standstill_ends_at": "2027-02-11T12:00:00Z",
            "tender_awarded": complete}


def test_a_lot_decided_last_but_applied_first_loses_no_other_lot():
    tender = Tender(id="tnd_x", status="scored", lots=[{"key": "A"}, {"key": "B"}], award=None)
    # B was decided last (scoring says the tender is complete) but its event comes first.
    assert "tender scored" in _apply(tender, "BidAwarded", _awarded("B", "bid_b", True), NOW)
    assert _apply(tender, "BidAwarded", _awarded("A", "bid_a", False), NOW).endswith("awarded")
    assert set(tender.award["lots"]) == {"A", "B"} and tender.status == "awarded"
    assert tender.standstill_ends_at == datetime(2027, 2, 11, 12, tzinfo=UTC)
    again = _apply(tender, "BidAwarded", _awarded("A", "bid_a", False), NOW)
    assert "already decided" in again and tender.award["lots"]["A"]["bid_id"] == "bid_a"


def test_every_lot_closed_unawarded_before_any_run_awards_the_tender():
    tender = Tender(id="tnd_y", status="evaluating", lots=[{"key": "A"}], award=None)
    _apply(tender, "LotNotAwarded", {"lot_key": "A", "justification": "No bids.",
                                     "decided_at": "2027-02-01T12:00:00Z",
                                     "tender_awarded": True}, NOW)
    assert tender.status == "awarded" and tender.standstill_ends_at is not None
