"""Hypothesis properties: store proofs verify, and any single-bit change breaks them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.audit.merkle import (
    MemoryNodeStore,
    TreeBuilder,
    append_many,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

MAX = 3000
LEAVES = [leaf_hash(i.to_bytes(4, "big")) for i in range(MAX)]
STORE = MemoryNodeStore.from_leaves(LEAVES)


def _flip(bit: int, h: bytes) -> bytes:
    return h[: bit // 8] + bytes([h[bit // 8] ^ (1 << bit % 8)]) + h[bit // 8 + 1 :]


sizes = st.integers(min_value=1, max_value=MAX)


@st.composite
def size_and_index(draw):
    n = draw(sizes)
    return n, draw(st.integers(min_value=0, max_value=n - 1))


@st.composite
def two_sizes(draw):
    n = draw(sizes)
    return draw(st.integers(min_value=1, max_value=n)), n


@settings(max_examples=400, deadline=None)
@given(size_and_index())
def test_inclusion_proofs_verify(case):
    n, i = case
    proof = inclusion_proof(STORE, i, n)
    assert len(proof) <= n.bit_length()
    assert verify_inclusion(LEAVES[i], i, n, proof, root(STORE, n))


@settings(max_examples=400, deadline=None)
@given(two_sizes())
def test_consistency_proofs_verify(case):
    m, n = case
    proof = consistency_proof(STORE, m, n)
    assert len(proof) <= 2 * n.bit_length()
    assert verify_consistency(m, n, root(STORE, m), root(STORE, n), proof)


@settings(max_examples=300, deadline=None)
@given(size_and_index(), st.data())
def test_any_bit_flip_breaks_inclusion(case, data):
    n, i = case
    proof = inclusion_proof(STORE, i, n)
    r = root(STORE, n)
    target = data.draw(st.integers(min_value=0, max_value=len(proof) + 1))
    bit = data.draw(st.integers(min_value=0, max_value=255))
    leaf = LEAVES[i]
    if target == len(proof):
        leaf = _flip(bit, leaf)
    elif target == len(proof) + 1:
        r = _flip(bit, r)
    else:
        proof = [*proof[:target], _flip(bit, proof[target]), *proof[target + 1 :]]
    assert not verify_inclusion(leaf, i, n, proof, r)


@settings(max_examples=300, deadline=None)
@given(two_sizes(), st.data())
def test_any_bit_flip_breaks_consistency(case, data):
    m, n = case
    proof = consistency_proof(STORE, m, n)
    rm, rn = root(STORE, m), root(STORE, n)
    target = data.draw(st.integers(min_value=0, max_value=len(proof) + 1))
    bit = data.draw(st.integers(min_value=0, max_value=255))
    if target == len(proof):
        rm = _flip(bit, rm)
    elif target == len(proof) + 1:
        rn = _flip(bit, rn)
    else:
        proof = [*proof[:target], _flip(bit, proof[target]), *proof[target + 1 :]]
    assert not verify_consistency(m, n, rm, rn, proof)


@settings(max_examples=200, deadline=None)
@given(two_sizes(), st.data())
def test_proofs_for_other_sizes_do_not_transfer(case, data):
    m, n = case
    other = data.draw(st.integers(min_value=1, max_value=MAX))
    if other == m:
        return
    proof = consistency_proof(STORE, m, n)
    assert not verify_consistency(other, n, root(STORE, other), root(STORE, n), proof) or (
        consistency_proof(STORE, min(other, n), n) == proof
    )


@settings(max_examples=100, deadline=None)
@given(st.lists(st.binary(max_size=8), max_size=70), st.integers(min_value=0, max_value=70))
def test_incremental_builders_agree(entries, split):
    leaves = [leaf_hash(e) for e in entries]
    split = min(split, len(leaves))
    store = MemoryNodeStore.from_leaves(leaves[:split])
    store.put_nodes(append_many(store, leaves[split:], split))
    builder = TreeBuilder()
    for leaf in leaves:
        builder.push(leaf)
    assert builder.root() == root(store, len(leaves))
    assert root(store, len(leaves)) == root(MemoryNodeStore.from_leaves(leaves), len(leaves))


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=MAX),
       st.lists(st.integers(min_value=1, max_value=700), max_size=12))
def test_extend_in_any_pieces_is_pushing_each_leaf(n, pieces):
    """TreeBuilder.extend (aligned perfect subtrees, a level at a time) builds the same tree
    as push, whatever the pieces it is given; the root agrees with the store at every cut."""
    builder, done = TreeBuilder(), 0
    for width in [*pieces, n]:
        width = min(width, n - done)
        builder.extend(LEAVES[done:done + width])
        done += width
        assert builder.size == done
        assert builder.root() == root(STORE, done)
    builder.extend([])
    assert builder.size == n and builder.root() == root(STORE, n)
