"""Price-formula properties: absolute_benchmark is rank-stable; relative_to_lowest is not."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from services.scoring.domain import compute_scoring_run
from tests.support.builders import KEYS, panel_all, run_inputs, tender_document

scores = st.lists(st.integers(0, 5), min_size=1, max_size=4)
panel = st.fixed_dictionaries({k: scores for k in KEYS})
low_panel = st.fixed_dictionaries(
    {k: st.lists(st.integers(0, 2), min_size=1, max_size=4) for k in KEYS}
)
price = st.integers(1, 500_000).map(str)  # some above the 450000 ceiling: gate fails


def order(result, ids):
    return [r["bid_id"] for r in result["ranking"] if r["bid_id"] in ids]


@settings(max_examples=200, deadline=None)
@given(pa=panel, pb=panel, px=low_panel, a=price, b=price, x=price)
def test_absolute_benchmark_irrelevant_bid_never_reorders_others(pa, pb, px, a, b, x):
    two = run_inputs({"A": {"price": a}, "B": {"price": b}}, {"A": pa, "B": pb})
    three = run_inputs(
        {"A": {"price": a}, "B": {"price": b}, "X": {"price": x}}, {"A": pa, "B": pb, "X": px}
    )
    before, after = compute_scoring_run(two), compute_scoring_run(three)
    assert order(before, {"A", "B"}) == order(after, {"A", "B"})
    totals = {r["bid_id"]: r["total"] for r in before["ranking"]}
    assert all(r["total"] == totals[r["bid_id"]] for r in after["ranking"] if r["bid_id"] != "X")


RELATIVE = tender_document(
    price={
        "weight": 30,
        "formula": "relative_to_lowest",
        "ceiling": {"amount": "450000.00", "currency": "GBP"},
    }
)
A_PANEL = panel_all(4)  # quality 56
B_PANEL = {**panel_all(4), "Q3": [3] * 3, "Q5": [2] * 3}  # quality 52


def _run(bids, panels, tender_):
    return compute_scoring_run(run_inputs(bids, panels, tender=tender_))


def test_relative_to_lowest_rank_reversal():
    """A cheap third bid (failing quality, passing the gates) sets L and flips A and B."""
    bids = {"A": {"price": "400000"}, "B": {"price": "300000"}}
    panels = {"A": A_PANEL, "B": B_PANEL}
    two = _run(bids, panels, RELATIVE)
    # L = 300000: A 56 + 30×0.75 = 78.5; B 52 + 30 = 82
    assert [(r["bid_id"], r["total"]) for r in two["ranking"]] == [("B", 82.0), ("A", 78.5)]
    three = _run({**bids, "C": {"price": "120000"}}, {**panels, "C": panel_all(1)}, RELATIVE)
    # L = 120000: A 56 + 30×0.3 = 65; B 52 + 30×0.4 = 64; C 14 + 30 = 44 fails quality
    assert [(r["bid_id"], r["total"], r["passed"]) for r in three["ranking"]] == [
        ("A", 65.0, True),
        ("B", 64.0, True),
        ("C", 44.0, False),
    ]


def test_absolute_benchmark_same_scenario_no_reversal():
    absolute = tender_document(
        price={**tender_document()["price"], "floor": {"amount": "100000.00", "currency": "GBP"}}
    )
    bids = {"A": {"price": "400000"}, "B": {"price": "300000"}}
    panels = {"A": A_PANEL, "B": B_PANEL}
    two = _run(bids, panels, absolute)
    three = _run({**bids, "C": {"price": "120000"}}, {**panels, "C": panel_all(1)}, absolute)
    assert order(two, {"A", "B"}) == order(three, {"A", "B"}) == ["B", "A"]
