"""What-if for the scoring bench: ``assess_bids`` with the median of the other prices computed once.

The shipped ``services.scoring.domain.assessment.assess_bids`` builds, for every bid, the list of
all other prices, and ``checks._low_price_reasons`` parses each into a ``Fraction`` and sorts
them to take the median: O(n² log n) for a tender with n bids. Here the prices are parsed and
sorted once and each bid's median-of-the-others is read off the sorted list in O(log n); the
bench checks the result is identical to the shipped function's before reporting its speed.
This is a measurement aid and a proposed fix, not a change to the scoring service.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from services.scoring.domain.assessment import assess_bid
from services.scoring.domain.classifier import as_mapping
from services.scoring.domain.price import parse_amount


def _median_without(ordered: list[Fraction], drop: int | None) -> Fraction | None:
    """Median of ``ordered`` with the element at index ``drop`` removed (None: keep all)."""
    n = len(ordered) - (drop is not None)
    if n <= 0:
        return None

    def at(i: int) -> Fraction:
        return ordered[i + 1 if drop is not None and i >= drop else i]

    mid = n // 2
    return at(mid) if n % 2 else (at(mid - 1) + at(mid)) / 2


def _valid(price: Any) -> Decimal | None:
    amount = parse_amount(price)
    return amount if amount is not None and amount > 0 else None


def assess_bids_sorted_median(bids: Mapping[str, Mapping[str, Any]],
                              tender: Mapping[str, Any]) -> dict[str, Any]:
    """Same result as the shipped ``assess_bids``, in O(n log n)."""
    prices = {bid_id: _valid(as_mapping(bids[bid_id]).get("price")) for bid_id in bids}
    ordered = sorted(Fraction(p) for p in prices.values() if p is not None)
    result = {}
    for bid_id in sorted(bids):
        own = prices[bid_id]
        drop = bisect_left(ordered, Fraction(own)) if own is not None else None
        mid = _median_without(ordered, drop)
        # One "other price" equal to the median gives the same flag as all of them.
        others = [] if mid is None else [
            {"amount": str(Decimal(mid.numerator) / Decimal(mid.denominator))}]
        result[bid_id] = assess_bid(bids[bid_id], tender, others)
    return result
