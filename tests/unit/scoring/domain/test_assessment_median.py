"""assess_bids' sorted-once median gives exactly what per-bid assessment with the others gives."""

from hypothesis import given, settings
from hypothesis import strategies as st

from services.scoring.domain import assess_bid, assess_bids
from tests.support.builders import criterion, tender_document

# The example tender's price rules (floor and ceiling) with one criterion.
TENDER = tender_document(criteria=[criterion("Q1", weight=70)])

amounts = st.one_of(st.integers(min_value=1, max_value=600).map(lambda k: f"{k * 1000}.00"),
                    st.sampled_from(["0.00", "-5.00", "abc"]))


@settings(max_examples=60, deadline=None)
@given(st.lists(amounts, min_size=1, max_size=12))
def test_sorted_median_matches_per_bid_assessment(prices):
    bids = {f"b{i:02d}": {"price": {"amount": a, "currency": "GBP"}, "responses": []}
            for i, a in enumerate(prices)}
    fast = assess_bids(bids, TENDER)
    for bid_id, bid in bids.items():
        others = [b["price"] for o, b in sorted(bids.items()) if o != bid_id]
        assert fast[bid_id].to_dict() == assess_bid(bid, TENDER, others).to_dict()
