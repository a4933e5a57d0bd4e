"""What the OpenAPI's patterns admit, the schemas that state them accept (schemathesis's
positive_data_acceptance, checked here for every generated value rather than a few)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.commissioning.entrypoints.api.schemas.bids import POSITIVE_AMOUNT, PositiveMoney
from services.commissioning.entrypoints.api.schemas.contracts import WEB_LINK, EvidenceSchema


@settings(suppress_health_check=[HealthCheck.too_slow])  # regex generation on a busy machine
@given(st.from_regex(WEB_LINK, fullmatch=True))
def test_every_link_the_pattern_admits_is_accepted(url):
    assert EvidenceSchema().load({"description": "d", "url": url})["url"] == url


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.from_regex(POSITIVE_AMOUNT, fullmatch=True))
def test_every_amount_the_pattern_admits_is_a_positive_money_amount(amount):
    assert PositiveMoney().load({"amount": amount, "currency": "GBP"})["amount"] == amount


def test_a_link_outside_the_pattern_is_refused():
    for url in ("ftp://example.org/x", "https://localhost/", "https://exa mple.org/",
                "https://example.org/\n", "0" * 2000, "https://example.org/" + "a" * 1001):
        assert "url" in EvidenceSchema().validate({"description": "d", "url": url})
