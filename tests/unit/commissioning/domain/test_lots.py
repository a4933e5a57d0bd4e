"""Lot rules: unique keys, price bounds, weights per lot, the lot a bid names, reservations."""

from __future__ import annotations

from services.commissioning.domain.lots import check_lots, live_key, lot_refusal
from services.commissioning.domain.tenders import complete_document
from tests.support.builders import criteria, lot, reserved


def _doc(*lots):
    return complete_document({"title": "T", "lots": list(lots)})


def test_lot_keys_must_be_unique():
    errors = check_lots(_doc(lot("L1"), lot("L1")), check_weights=True)
    assert list(errors) == ["lots.1.key"]


def test_a_lots_own_weights_must_sum_to_100_with_the_price_weight():
    own = criteria()  # 70, with the price's 30 makes 100
    assert check_lots(_doc(lot("L1", criteria=own)), check_weights=True) == {}
    own[0]["weight"] += 5
    errors = check_lots(_doc(lot("L1"), lot("L2", criteria=own)), check_weights=True)
    assert list(errors) == ["lots.1.criteria"] and "105" in errors["lots.1.criteria"][0]
    assert check_lots(_doc(lot("L2", criteria=own)), check_weights=False) == {}  # a draft


def test_a_lots_floor_must_be_below_its_ceiling():
    bad = lot("L1", price={"ceiling": {"amount": "100.00", "currency": "GBP"},
                           "floor": {"amount": "100.00", "currency": "GBP"}})
    assert list(check_lots(_doc(bad), check_weights=False)) == ["lots.0.price.floor"]


def test_the_lot_a_bid_names():
    lots = [lot("L1"), lot("L2", reservation=reserved("cic", "mutual"))]
    assert lot_refusal(None, None, "cic") is None  # no lots: as before
    assert lot_refusal(None, "L1", "cic")[0] == "invalid"
    assert lot_refusal(lots, None, "cic")[0] == "invalid"
    assert lot_refusal(lots, "L9", "cic")[0] == "invalid"
    assert lot_refusal(lots, "L1", "other") is None
    assert lot_refusal(lots, "L2", "mutual") is None
    kind, message = lot_refusal(lots, "L2", "other")
    assert kind == "reserved" and "cic, mutual" in message and "other" in message


def test_one_live_bid_per_organisation_per_lot():
    assert live_key("org_1", None) == "org_1"
    assert live_key("org_1", "L1") != live_key("org_1", "L2")
