"""Property: any tender body either validates or is a 422 naming a field — never a 500."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.builders import bid_body, tender_body

from .conftest import BASE

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                 max_size=4),
    max_leaves=12,
)
VALID = tender_body(BASE)
VALID["criteria"] = [
    {"key": "Q1", "title": "Outcomes", "category": "outcomes", "weight": 40,
     "minimum_score": 2, "outcomes_sought": ["Less loneliness"],
     "descriptors": {"0": "none", "1": "poor", "3": "good", "5": "excellent"}},
    {"key": "Q2", "title": "Co-production", "category": "coproduction_depth", "weight": 30},
]
SPECIAL = st.sampled_from(["", "\x00", "\ud800", "9999-12-31T23:59:59-23:59",
                           "0001-01-01T00:00:00+14:00", "1e999", "NaN", "-0.00", "Q1",
                           "absolute_benchmark", "x" * 400])


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


ALL_PATHS = [p for p in _paths(VALID) if p]


@st.composite
def mutated_bodies(draw):
    body = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(ALL_PATHS))
        parent = body
        try:
            for step in path[:-1]:
                parent = parent[step]
            action = draw(st.sampled_from(["replace", "delete", "special"]))
            if action == "delete" and isinstance(parent, dict):
                parent.pop(path[-1], None)
            elif action == "special":
                parent[path[-1]] = draw(SPECIAL)
            else:
                parent[path[-1]] = draw(JSONISH)
        except (KeyError, IndexError, TypeError):
            continue
    if draw(st.booleans()):
        body[draw(st.text(min_size=1, max_size=8))] = draw(JSONISH)
    return body


BODIES = mutated_bodies() | st.dictionaries(st.text(max_size=12), JSONISH, max_size=6)


def _check(resp):
    assert resp.status_code in (201, 422), (resp.status_code, resp.get_json())
    if resp.status_code == 422:
        problem = resp.get_json()
        assert problem["errors"] and all(isinstance(k, str) and k for k in problem["errors"])


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=BODIES)
def test_random_tender_bodies_validate_or_name_a_field(world, body):
    _check(world.post("/tenders", body))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=st.dictionaries(st.sampled_from(list(bid_body())), JSONISH, max_size=3)
       | st.builds(lambda b, v, k: {**b, k: v}, st.just(bid_body()), JSONISH,
                   st.sampled_from(["price", "responses", "coproduction", "extra"])))
def test_random_bid_bodies_validate_or_name_a_field(world, body):
    tender_id = world.actors.setdefault("_tender", None)
    if tender_id is None:
        tender_id = world.published()["id"]
        world.actors["_tender"] = tender_id
    resp = world.bid(tender_id, body=body)
    if resp.status_code == 201:  # keep the organisation free to bid again
        world.post(f"/bids/{resp.get_json()['id']}/withdraw", who="bidder")
    else:
        _check(resp)
