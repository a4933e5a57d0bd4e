"""Money amounts are plain digits with up to two decimals (issue 14, Low)."""

import pytest
from marshmallow import ValidationError

from shared.schemas import MoneySchema

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
