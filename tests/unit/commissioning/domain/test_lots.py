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


# --- each lot's standstill -------------------------------------------------------------------

AWARDED_NORTH = {"status": "awarded", "bid_id": "bid_n",
                 "standstill_ends_at": "2027-02-03T15:00:00Z"}
AWARDED_SOUTH = {"status": "awarded", "bid_id": "bid_s",
                 "standstill_ends_at": "2027-02-01T15:00:00Z"}
UNAWARDED = {"status": "unawarded", "justification": "No bid passed."}


def test_the_next_standstill_is_the_earliest_lot_still_waiting_for_its_contract():
    from datetime import UTC, datetime

    from services.commissioning.domain.lots import next_standstill, pending_standstills

    now = datetime(2027, 1, 20, tzinfo=UTC)
    lots = {"north": AWARDED_NORTH, "south": AWARDED_SOUTH, "east": UNAWARDED}
    assert set(pending_standstills(lots)) == {"north", "south"}
    assert next_standstill(lots, every_lot_decided=False, now=now) == datetime(
        2027, 2, 1, 15, tzinfo=UTC)
    lots["south"] = {**AWARDED_SOUTH, "concluded": True, "contract_id": "ctr_1"}
    assert next_standstill(lots, every_lot_decided=True, now=now) == datetime(
        2027, 2, 3, 15, tzinfo=UTC)
    lots["north"] = {**AWARDED_NORTH, "concluded": True}
    # Nothing waiting: conclude now once every lot is decided, else nothing to do yet.
    assert next_standstill(lots, every_lot_decided=True, now=now) == now
    assert next_standstill(lots, every_lot_decided=False, now=now) is None


def test_a_tender_with_lots_is_awarded_when_every_lot_is_decided_even_unscored():
    from services.commissioning.domain.lifecycle import (
        AWARDED,
        EVALUATING,
        SCORED,
        IllegalTransition,
        next_state,
    )

    assert next_state(SCORED, "decide_lots") == AWARDED
    assert next_state(EVALUATING, "decide_lots") == AWARDED  # every lot closed unawarded
    try:
        next_state(AWARDED, "decide_lots")
    except IllegalTransition as exc:
        assert "award" in str(exc)
    else:
        raise AssertionError("an awarded tender cannot be decided again")
