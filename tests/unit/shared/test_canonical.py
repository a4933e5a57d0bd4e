"""shared.canonical: the msgspec path writes exactly what rfc8785 writes, or defers to it."""

from __future__ import annotations

import math

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.canonical import CanonicalizationError, canonical_json, canonical_sha256

# Keys and strings across the whole of Unicode (surrogates included), integers past the safe
# range, floats: every case where the fast path must step aside.
_text = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=8)
_scalars = (st.none() | st.booleans() | _text
            | st.integers(min_value=-(2**54), max_value=2**54)
            | st.floats(allow_nan=False, allow_infinity=False))
_json = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(_text, inner, max_size=4), max_leaves=20)


def _reference(obj):
    try:
        return rfc8785.dumps(obj)
    except Exception as exc:  # noqa: BLE001 - compared by type below
        return type(exc)


def _ours(obj):
    try:
        return canonical_json(obj)
    except Exception as exc:  # noqa: BLE001
        return type(exc)


@settings(max_examples=600, deadline=None)
@given(_json)
def test_same_bytes_or_same_error_as_rfc8785(obj):
    assert _ours(obj) == _reference(obj)


@pytest.mark.parametrize("obj", [
    {"\uffff": 1, "\U00010000": 2},  # UTF-16 puts the astral key first; code points do not
    {"a": "\x00\x1f\x7f\u2028\"\\/é"},
    [2**53 - 1, -(2**53) + 1, True, False, None],
    (1, "two", [3]),
    {"nested": {"b": [], "a": {}}},
    {"x": 1.5, "y": 1e21},
])
def test_known_cases_match_rfc8785(obj):
    assert canonical_json(obj) == rfc8785.dumps(obj)


@pytest.mark.parametrize("obj", [2**53, {"k": -(2**53)}, "\ud800", {1: "x"}, math.nan])
def test_what_rfc8785_refuses_is_refused(obj):
    with pytest.raises((CanonicalizationError, ValueError, TypeError, UnicodeEncodeError)):
        rfc8785.dumps(obj)
    with pytest.raises((CanonicalizationError, ValueError, TypeError, UnicodeEncodeError)):
        canonical_json(obj)


def test_a_non_json_value_is_not_written_as_a_string():
    from decimal import Decimal  # msgspec would write it as "1.5"; RFC 8785 has no decimals

    with pytest.raises(Exception) as ours:
        canonical_json({"price": Decimal("1.5")})
    with pytest.raises(Exception) as reference:
        rfc8785.dumps({"price": Decimal("1.5")})
    assert type(ours.value) is type(reference.value)


def test_sha256_of_the_canonical_bytes():
    assert canonical_sha256({"b": 1, "a": 2}) == \
        "d3626ac30a87e6f7a6428233b3c68299976865fa5508e4267c5415c76af7a772"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False) | st.floats(
    min_value=1e-5, max_value=1e16), min_size=1, max_size=6))
def test_floats_written_in_place_match_rfc8785(values):
    """Floats msgspec writes as they stand (no copy) and those rfc8785 writes: the same bytes."""
    assert canonical_json({"v": values}) == rfc8785.dumps({"v": values})
