"""The evaluation page's grouping of bids by lot, and the award page's per-lot field names."""

from __future__ import annotations

from services.gateway.entrypoints.portal.views.awards import lot_field
from services.gateway.entrypoints.portal.views.evaluation import by_lot

LOTS = [{"key": "NORTH", "title": "North"}, {"key": "SOUTH", "title": "South"}]


def test_bids_are_grouped_in_lot_order_and_none_is_hidden():
    bids = [{"id": "b1", "lot_key": "SOUTH"}, {"id": "b2", "lot_key": "NORTH"}, {"id": "b3"},
            {"id": "b4", "lot_key": "EAST"}]
    evaluation = {"bids": [{"bid_id": "b3", "lot_key": "NORTH"}]}  # an evaluator's view
    groups = by_lot({"lots": LOTS}, bids, evaluation)
    assert [(lot["key"], [b["id"] for b in rows]) for lot, rows in groups] == [
        ("NORTH", ["b2", "b3"]), ("SOUTH", ["b1"]), ("", ["b4"])]


def test_a_tender_without_lots_is_one_group_as_before():
    bids = [{"id": "b1"}, {"id": "b2"}]
    assert by_lot({}, bids, {}) == [(None, bids)]
    assert by_lot({"lots": LOTS}, [], {}) == [(LOTS[0], []), (LOTS[1], [])]


def test_each_lots_forms_have_their_own_fields():
    assert lot_field("award", "NORTH", "bid_id") == "award.NORTH.bid_id"
    assert lot_field("no_award", "SOUTH", "justification") == "no_award.SOUTH.justification"
    assert lot_field("award", None, "bid_id") == "award.-.bid_id"
