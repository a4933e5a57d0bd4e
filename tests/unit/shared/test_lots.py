"""The lot view both services judge a lot's bids by."""

from __future__ import annotations

import pytest

from shared.lots import lot_keys, lot_view
from tests.support.builders import criteria, criterion, gbp, lot, tender_document


def test_a_lot_is_judged_by_its_own_criteria_and_price_bounds():
    own = [criterion("Q1", weight=40), criterion("Q2", weight=30)]
    tender = tender_document(lots=[lot("A"), lot("B", criteria=own,
                                                  price={"ceiling": gbp("99000.00")})])
    assert lot_keys(tender) == ["A", "B"]
    a = lot_view(tender, "A")
    assert a["criteria"] == tender["criteria"] and "lots" not in a
    assert a["price"]["ceiling"] == gbp("225000.00") and a["price"]["floor"] == gbp("125000.00")
    assert a["price"]["weight"] == tender["price"]["weight"]
    assert a["lot"] == {"key": "A", "title": tender["lots"][0]["title"]}
    b = lot_view(tender, "B")
    assert [c["key"] for c in b["criteria"]] == ["Q1", "Q2"]
    # No floor of its own: the tender's applies.
    assert b["price"]["ceiling"] == gbp("99000.00")
    assert b["price"]["floor"] == tender["price"]["floor"]


def test_the_whole_tender_and_an_unknown_lot():
    tender = tender_document(criteria=criteria())
    assert lot_view(tender, None) == tender and lot_keys(tender) == []
    with pytest.raises(KeyError):
        lot_view(tender, "A")
