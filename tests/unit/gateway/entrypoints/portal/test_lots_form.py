"""The tender form's lots: round trip from lots to rows and back, blank rows skipped, no rows
meaning no lots, padding with blank rows, and API error paths mapped to the rows shown."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from services.gateway.entrypoints.portal.lots_form import (
    BLANK_ROWS,
    MAX_LOTS,
    NAMES,
    blank_row,
    keep_own_criteria,
    lot_criteria,
    lot_fields,
    lot_rows,
    padded,
    parse_lots,
    remap_lot_errors,
)

LOTS = [
    {"key": "NORTH", "title": "North of the borough", "description": "Wards 1 to 6",
     "estimated_value": {"amount": "200000.00", "currency": "GBP"},
     "price": {"ceiling": {"amount": "210000.00", "currency": "GBP"},
               "floor": {"amount": "120000.00", "currency": "GBP"}}},
    {"key": "SOUTH", "title": "South of the borough",
     "reservation": {"kinds": ["charity", "cic"], "reason": "Community-led delivery"}},
]


def _posted(rows) -> MultiDict:
    form = MultiDict([("lots.slots", str(len(rows)))])
    for i, row in enumerate(rows):
        for name, path in NAMES.items():
            if name == "kinds":
                for kind in row["kinds"]:
                    form.add(f"lots.{i}.{path}", kind)
            else:
                form.add(f"lots.{i}.{path}", row[name])
    return form


def test_lots_survive_the_form_round_trip_and_blank_rows_are_skipped():
    rows = padded(lot_rows(LOTS))
    assert len(rows) == BLANK_ROWS and rows[2] == blank_row()
    lots, shown = parse_lots(_posted([blank_row(), *rows]))
    assert lots == LOTS
    assert [row["key"] for row in shown] == ["", "NORTH", "SOUTH", ""]


def test_no_filled_row_is_no_lots_and_a_reason_alone_still_goes_to_the_api():
    assert parse_lots(_posted(padded([])))[0] is None
    assert parse_lots(MultiDict())[0] is None  # a form without the lots section
    lots, _ = parse_lots(_posted([dict(blank_row(), reason="Local groups")]))
    assert lots == [{"key": "", "title": "", "reservation": {
        "kinds": [], "reason": "Local groups"}}]  # the API names reservation.kinds


def test_padding_keeps_a_blank_row_last_and_adds_more_on_request():
    four = padded(lot_rows(LOTS) + lot_rows(LOTS))
    assert len(four) == 5 and four[-1] == blank_row()
    assert len(padded(padded([]))) == BLANK_ROWS  # redisplayed rows gain no extra blank
    assert len(padded([], more=3)) == BLANK_ROWS + 3
    assert len(padded([], more=40)) == MAX_LOTS


def test_api_errors_name_the_row_the_form_shows():
    rows = [blank_row(), *lot_rows(LOTS)]
    errors = remap_lot_errors({"lots.1.price.floor": ["Floor must be lower"],
                               "lots.0.key": ["Duplicate"], "title": ["Required"],
                               "lots.0.estimated_value.currency": ["GBP only"],
                               "lots.1.criteria": ["Weights"]}, rows)
    assert errors == {"lots.2.price.floor.amount": ["Floor must be lower"],
                      "lots.1.key": ["Duplicate"], "title": ["Required"],
                      "lots.1.estimated_value.amount": ["GBP only"],
                      "lots.2.criteria": ["Weights"]}
    fields = lot_fields(rows)
    assert {"lots.2.price.floor.amount", "lots.1.reservation.kinds", "lots"} <= fields


def test_a_lots_own_criteria_are_kept_by_key():
    saved = [dict(LOTS[0], criteria=[{"key": "Q1", "weight": 60}])]
    lots, _ = parse_lots(_posted(lot_rows(LOTS)))
    keep_own_criteria(lots, saved)
    assert lots[0]["criteria"] == [{"key": "Q1", "weight": 60}] and "criteria" not in lots[1]
    assert lot_rows(saved)[0]["own_criteria"] is True


def test_a_bid_answers_its_lots_own_criteria_else_the_tenders():
    tender = {"criteria": [{"key": "Q1"}, {"key": "PRICE"}],
              "lots": [dict(LOTS[0], criteria=[{"key": "N1"}, {"key": "N2"}]), LOTS[1]]}
    assert [c["key"] for c in lot_criteria(tender, "NORTH")] == ["N1", "N2"]
    assert [c["key"] for c in lot_criteria(tender, "SOUTH")] == ["Q1"]
    assert [c["key"] for c in lot_criteria(tender, None)] == ["Q1"]
