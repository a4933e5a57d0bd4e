"""Rate cards: checked against the tender's criteria, bound to the contract's metrics."""

from __future__ import annotations

from services.commissioning.domain import rate_cards


def card(**changes):
    body = {"currency": "GBP", "value_at_risk_percent": "20", "validation": "independent",
            "outcomes": [{"key": "lonely", "criterion_key": "Q1",
                          "indicator": "UCLA 3-item loneliness score",
                          "price": {"amount": "400.00", "currency": "GBP"}}]}
    body.update(changes)
    return body


CRITERIA = [{"key": "Q1"}, {"key": "Q5"}]


def test_a_good_card_has_no_problems_and_none_is_fine():
    assert rate_cards.check(card(), CRITERIA) == {}
    assert rate_cards.check(None, CRITERIA) == {}


def test_problems_name_the_field():
    bad = card(cap_total={"amount": "10.00", "currency": "EUR"}, outcomes=[
        {"key": "a", "criterion_key": "Q9", "indicator": "x",
         "price": {"amount": "0.00", "currency": "GBP"}},
        {"key": "a", "criterion_key": "Q1", "indicator": "y",
         "price": {"amount": "1.00", "currency": "GBP"}}])
    errors = rate_cards.check(bad, CRITERIA)
    assert set(errors) == {"rate_card.cap_total.currency", "rate_card.outcomes.0.criterion_key",
                           "rate_card.outcomes.0.price.amount", "rate_card.outcomes.1.key"}


def test_binding_matches_criterion_and_indicator_name_ignoring_case_and_spacing():
    metrics = [{"id": "M1", "criterion_key": "Q1",
                "indicator": {"name": "UCLA  3-item Loneliness score"}},
               {"id": "M2", "criterion_key": "Q5", "indicator": {"name": "other"}}]
    bound = rate_cards.bind(card(), metrics)
    assert bound["outcomes"][0]["metric_id"] == "M1"
    assert rate_cards.bind(card(), metrics[1:])["outcomes"][0]["metric_id"] is None
    assert rate_cards.bind(None, metrics) is None
