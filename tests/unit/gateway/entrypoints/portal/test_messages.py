"""The API's developer messages become plain English on the portal's forms."""

from __future__ import annotations

import pytest

from services.gateway.entrypoints.portal.messages import plain
from services.gateway.entrypoints.portal.web import FormErrors


@pytest.mark.parametrize(("path", "message", "expected"), [
    ("price.ceiling.amount", 'Must be a decimal string such as "12345.00".',
     "Enter the amount in pounds, like 12345.00"),
    ("estimated_value.amount", 'Must be plain digits with up to 2 decimal places, such as '
                               '"12345.00".', "Enter the amount in pounds, like 12345.00"),
    ("criteria.0.weight", "Not a valid integer.",
     "Enter criteria 1 weight as a whole number, like 5"),
    ("evaluation.min_evaluators", "Must be greater than or equal to 1.",
     "Enter evaluation min evaluators of at least 1"),
    ("title", "Missing data for required field.", "Enter title"),
    ("service_area", "Must be one of: a, b.", "Select service area from the list"),
    ("title", "The deadline must be in the future", "The deadline must be in the future")])
def test_api_messages_read_as_what_to_do(path, message, expected):
    assert plain(path, message) == expected


def test_form_errors_show_the_plain_message_once_per_field():
    errors = FormErrors({"price.ceiling.amount": ['Must be a decimal string such as "1.00".',
                                                  "Must be a decimal string."]},
                        {"price.ceiling.amount"})
    assert errors.get("price.ceiling.amount") == {
        "text": "Enter the amount in pounds, like 12345.00"}
    assert "decimal string" not in str(errors.summary())
