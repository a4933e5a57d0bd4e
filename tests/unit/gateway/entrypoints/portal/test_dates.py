"""GOV.UK date inputs: parts to RFC 3339 in UTC, with plain-English errors naming the field."""

from __future__ import annotations

import pytest

from services.gateway.entrypoints.portal.dates import date_parts, parse_date_time

LABEL = "Bids accepted until"


def parts(day="27", month="3", year="2027", time="17:30"):
    return {"day": day, "month": month, "year": year, "time": time}


@pytest.mark.parametrize(("time", "expected"), [
    ("17:30", "2027-03-27T17:30:00Z"), ("09.05", "2027-03-27T09:05:00Z"),
    ("5:30pm", "2027-03-27T17:30:00Z"), ("12am", "2027-03-27T00:00:00Z"),
    ("12:15 PM", "2027-03-27T12:15:00Z"), ("08:00:42", "2027-03-27T08:00:42Z")])
def test_a_real_date_and_time_becomes_rfc3339_in_utc(time, expected):
    assert parse_date_time(parts(time=time), LABEL) == (expected, None)


def test_all_blank_is_no_date_and_no_error():
    assert parse_date_time(parts("", "", "", ""), LABEL) == (None, None)


@pytest.mark.parametrize(("typed", "message"), [
    (parts(month=""), "Bids accepted until must include a month"),
    (parts(month="", year="", time=""),
     "Bids accepted until must include a month, a year and a time"),
    (parts(day="31", month="2"), "Bids accepted until must be a real date, like 27 3 2027"),
    (parts(day="x"), "Bids accepted until must be a real date, like 27 3 2027"),
    (parts(year="27"), "Bids accepted until must have a year with 4 numbers, like 2027"),
    (parts(time="25:00"), "Bids accepted until must have a real time, like 17:30 or 5:30pm"),
    (parts(time="5"), "Bids accepted until must have a real time, like 17:30 or 5:30pm"),
    (parts(time="13pm"), "Bids accepted until must have a real time, like 17:30 or 5:30pm")])
def test_a_wrong_date_says_what_to_fix_naming_the_field(typed, message):
    assert parse_date_time(typed, LABEL) == (None, message)


def test_an_api_timestamp_shows_as_utc_parts_and_round_trips():
    shown = date_parts("2027-03-27T18:30:05+01:00")
    assert shown == {"day": "27", "month": "3", "year": "2027", "time": "17:30:05"}
    assert parse_date_time(shown, LABEL) == ("2027-03-27T17:30:05Z", None)
    assert date_parts(None) == {"day": "", "month": "", "year": "", "time": ""}
    assert date_parts("2027-03-27T17:30:00Z")["time"] == "17:30"
