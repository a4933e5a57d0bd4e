"""Money amounts are plain digits with up to two decimals (issue 14, Low)."""

import pytest
from marshmallow import ValidationError

from shared.schemas import AMOUNT_PATTERN, MoneySchema

ODD = ["1e6", "  12.00", "12.00 ", "+398000.00", "1_000_000", "٣٩٨٠٠٠.٠٠", "３９８０００.００",
       "398000.", ".50", "0x10", "NaN", "Infinity", "1,000.00", "12.345", ""]


@pytest.mark.parametrize("amount", ODD)
def test_anything_but_plain_digits_is_refused(amount):
    with pytest.raises(ValidationError) as err:
        MoneySchema().load({"amount": amount, "currency": "GBP"})
    assert "amount" in err.value.messages


@pytest.mark.parametrize("amount", ["398000.00", "398000", "0.5", "-5.00", "0"])
def test_plain_amounts_are_kept_as_sent(amount):
    assert MoneySchema().load({"amount": amount, "currency": "GBP"})["amount"] == amount


@pytest.mark.parametrize(("amount", "says"), [
    ("12.345", "At most 2 decimal places."), ("1000000000000000", "Amount too large."),
    ("12.00\n", "Must be plain digits")])
def test_a_refused_amount_says_why(amount, says):
    with pytest.raises(ValidationError) as err:
        MoneySchema().load({"amount": amount, "currency": "GBP"})
    assert says in err.value.messages["amount"][0]


@pytest.mark.parametrize("currency", ["gbp", "GB", "GBPX", "ÉUR", "GBP\n"])
def test_a_currency_is_three_capital_ascii_letters(currency):
    with pytest.raises(ValidationError) as err:
        MoneySchema().load({"amount": "1.00", "currency": currency})
    assert err.value.messages == {"currency": ["Must be an ISO 4217 code such as GBP."]}


def test_the_openapi_states_the_amount_and_currency_patterns():
    from apispec import APISpec
    from apispec.ext.marshmallow import MarshmallowPlugin

    spec = APISpec("t", "1", "3.1.0", plugins=[MarshmallowPlugin()])
    spec.components.schema("Money", schema=MoneySchema)
    props = spec.to_dict()["components"]["schemas"]["Money"]["properties"]
    assert props["amount"]["pattern"] == AMOUNT_PATTERN
    assert props["currency"]["pattern"] == "^[A-Z]{3}$"
