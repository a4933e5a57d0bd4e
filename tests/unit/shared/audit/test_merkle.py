"""RFC 6962 / RFC 9162 Merkle trees: vectors, pymerkle and a naive oracle, negatives, costs."""

from __future__ import annotations

import hashlib
import random

import pytest
from pymerkle import InmemoryTree

from shared.audit.merkle import (
    EMPTY_ROOT,
    MemoryNodeStore,
    TreeBuilder,
    append,
    append_many,
    consistency_proof,
    hash_from_hex,
    hashes_from_hex,
    inclusion_proof,
    leaf_hash,
    node_hash,
    perfect_nodes,
    root,
    split_point,
    subtree_root,
    verify_consistency,
    verify_inclusion,
)
from tests.unit.shared.audit.reference import RefTree, ref_leaf, ref_node

# Certificate Transparency / transparency-dev reference data (RFC 6962 hashing).
CT_DATA = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# Perfect nodes by level (transparency-dev/merkle testonly NodeHashes).
CT_NODES = [
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    [
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    [
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
]
_A, _B = "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", CT_NODES[1][1]
CT_INCLUSION = {
    (0, 8): [_A, _B, CT_NODES[2][1]],
    (5, 8): [CT_NODES[0][4], CT_NODES[1][3], CT_NODES[2][0]],
    (2, 3): [CT_ROOTS[2]],
    (1, 5): [CT_ROOTS[1], _B, CT_NODES[0][4]],
    (0, 1): [],
}
CT_CONSISTENCY = {
    (1, 1): [],
    (1, 8): [_A, _B, CT_NODES[2][1]],
    (6, 8): [CT_NODES[1][2], CT_NODES[1][3], CT_NODES[2][0]],
    (2, 5): [_B, CT_NODES[0][4]],
    (6, 7): [CT_NODES[1][2], CT_NODES[0][6], CT_NODES[2][0]],
    (2, 8): [_B, CT_NODES[2][1]],
}

N = 300
LEAVES = [leaf_hash(f"entry {i}".encode()) for i in range(N)]


@pytest.fixture(scope="module")
def store() -> MemoryNodeStore:
    return MemoryNodeStore.from_leaves(LEAVES)


@pytest.fixture(scope="module")
def ref() -> RefTree:
    return RefTree(LEAVES)


@pytest.fixture(scope="module")
def ct_store() -> MemoryNodeStore:
    return MemoryNodeStore.from_leaves(leaf_hash(d) for d in CT_DATA)


def _hex(hashes: list[bytes]) -> list[str]:
    return [h.hex() for h in hashes]


# --- hashing primitives and known vectors -------------------------------------------------


def test_hash_primitives_use_rfc6962_prefixes():
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest() == ref_leaf(b"abc")
    left, right = leaf_hash(b"l"), leaf_hash(b"r")
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()
    assert node_hash(left, right) == ref_node(left, right) != node_hash(right, left)


def test_empty_tree_root_is_sha256_of_nothing():
    assert EMPTY_ROOT.hex() == CT_ROOTS[0]
    assert root(MemoryNodeStore(), 0).hex() == CT_ROOTS[0]
    assert TreeBuilder().root() == EMPTY_ROOT


@pytest.mark.parametrize(
    ("n", "k"),
    [
        (2, 1),
        (3, 2),
        (4, 2),
        (5, 4),
        (8, 4),
        (9, 8),
        (1000, 512),
        (1 << 40, 1 << 39),
        ((1 << 40) + 1, 1 << 40),
    ],
)
def test_split_is_largest_power_of_two_below_n(n, k):
    assert split_point(n) == k


def test_ct_roots_for_every_size(ct_store):
    for size, want in enumerate(CT_ROOTS):
        assert root(ct_store, size).hex() == want


def test_ct_perfect_nodes_are_what_append_persists(ct_store):
    for level, row in enumerate(CT_NODES):
        assert [ct_store.nodes[(level, i)].hex() for i in range(len(row))] == row
    assert len(ct_store.nodes) == 15


@pytest.mark.parametrize(("index", "size"), sorted(CT_INCLUSION))
def test_ct_inclusion_vectors(ct_store, index, size):
    path = inclusion_proof(ct_store, index, size)
    assert _hex(path) == CT_INCLUSION[(index, size)]
    assert verify_inclusion(
        leaf_hash(CT_DATA[index]), index, size, path, bytes.fromhex(CT_ROOTS[size])
    )


@pytest.mark.parametrize(("m", "n"), sorted(CT_CONSISTENCY))
def test_ct_consistency_vectors(ct_store, m, n):
    proof = consistency_proof(ct_store, m, n)
    assert _hex(proof) == CT_CONSISTENCY[(m, n)]
    assert verify_consistency(m, n, bytes.fromhex(CT_ROOTS[m]), bytes.fromhex(CT_ROOTS[n]), proof)


# --- against pymerkle (independent implementation) and the naive RFC oracle -----------------


@pytest.fixture(scope="module")
def pm_tree() -> InmemoryTree:
    tree = InmemoryTree(algorithm="sha256")  # security on: 0x00 / 0x01 prefixes
    for i in range(N):
        tree.append_entry(f"entry {i}".encode())
    return tree


def _sample_indices(n: int, rng: random.Random) -> set[int]:
    return {0, n - 1, n // 2, (n - 1) // 2} | {rng.randrange(n) for _ in range(4)}


def test_roots_match_pymerkle_and_oracle_for_every_size(store, ref, pm_tree):
    builder = TreeBuilder()
    for n in range(1, N + 1):
        builder.push(LEAVES[n - 1])
        ours = root(store, n)
        assert ours == pm_tree.get_root(n) == ref.mth(0, n) == builder.root(), n


def test_inclusion_proofs_match_pymerkle_and_oracle(store, ref, pm_tree):
    rng = random.Random(6962)
    for n in range(1, N + 1):
        size_root = root(store, n)
        for i in _sample_indices(n, rng):
            ours = inclusion_proof(store, i, n)
            pm_proof = pm_tree.prove_inclusion(i + 1, n)  # pymerkle counts from one
            assert pm_proof.path[0] == LEAVES[i]  # its path starts with the leaf itself
            assert ours == pm_proof.path[1:] == ref.path(i, 0, n), (i, n)
            assert verify_inclusion(LEAVES[i], i, n, ours, size_root)


def test_every_inclusion_proof_for_small_trees(store, ref):
    for n in range(1, 65):
        for i in range(n):
            proof = inclusion_proof(store, i, n)
            assert proof == ref.path(i, 0, n)
            assert verify_inclusion(LEAVES[i], i, n, proof, root(store, n))


def test_consistency_proofs_match_oracle(store, ref):
    rng = random.Random(9162)
    pairs = {(m, n) for n in range(1, 65) for m in range(1, n + 1)}
    for n in range(65, N + 1):
        pairs |= {(1, n), (n, n), (n - 1, n), (n // 2, n)}
        pairs |= {(rng.randint(1, n), n) for _ in range(6)}
        pairs |= {(1 << e, n) for e in range(n.bit_length()) if 1 << e <= n}
    assert len(pairs) > 4000
    for m, n in sorted(pairs):
        proof = consistency_proof(store, m, n)
        assert proof == ref.proof(m, n), (m, n)
        assert verify_consistency(m, n, root(store, m), root(store, n), proof), (m, n)


def test_pymerkle_agrees_that_our_prefix_roots_are_consistent(store, pm_tree):
    # pymerkle's consistency path has its own layout; it must still accept our roots.
    for m, n in [(1, 2), (3, 7), (8, 8), (37, 300), (128, 300), (299, 300)]:
        pm_tree.prove_consistency(m, n).verify(root(store, m), root(store, n))


# --- negative cases -------------------------------------------------------------------------


def _flip(h: bytes, bit: int = 0) -> bytes:
    return bytes([h[0] ^ (1 << bit)]) + h[1:]


def test_inclusion_rejects_bad_parameters(store):
    n = 13
    path, r = inclusion_proof(store, 5, n), root(store, n)
    assert verify_inclusion(LEAVES[5], 5, n, path, r)
    assert not verify_inclusion(LEAVES[5], n, n, path, r)  # index == size
    assert not verify_inclusion(LEAVES[5], n + 3, n, path, r)  # index > size
    assert not verify_inclusion(LEAVES[5], -1, n, path, r)
    assert not verify_inclusion(LEAVES[5], 4, n, path, r)  # wrong index
    assert not verify_inclusion(LEAVES[5], 5, 6, path, r)  # wrong size (other shape)
    assert not verify_inclusion(LEAVES[5], 5, 2 * n, path, r)
    assert not verify_inclusion(LEAVES[6], 5, n, path, r)  # wrong leaf
    assert not verify_inclusion(LEAVES[5], 5, n, [*path, LEAVES[0]], r)  # extra node
    assert not verify_inclusion(LEAVES[5], 5, n, path[:-1], r)  # missing node
    assert not verify_inclusion(LEAVES[5], 5, n, path[1:], r)
    assert not verify_inclusion(LEAVES[5], 5, n, path[::-1], r)  # reordered
    assert not verify_inclusion(LEAVES[5][:31], 5, n, path, r)  # short hashes
    assert not verify_inclusion(LEAVES[5], 5, n, [path[0][:31], *path[1:]], r)
    assert not verify_inclusion(LEAVES[5], 5, n, path, r + b"\x00")
    assert not verify_inclusion(LEAVES[5], 5, n, ["ab" * 32], r)  # type: ignore[list-item]
    with pytest.raises(ValueError):
        inclusion_proof(store, n, n)
    with pytest.raises(ValueError):
        inclusion_proof(store, -1, n)


def test_inclusion_rejects_every_single_bit_flip(store):
    for n, i in [(1, 0), (2, 1), (7, 3), (64, 63), (300, 257)]:
        path, r = inclusion_proof(store, i, n), root(store, n)
        for bit in (0, 7):
            assert not verify_inclusion(_flip(LEAVES[i], bit), i, n, path, r)
            assert not verify_inclusion(LEAVES[i], i, n, path, _flip(r, bit))
            for j in range(len(path)):
                bad = list(path)
                bad[j] = _flip(bad[j], bit)
                assert not verify_inclusion(LEAVES[i], i, n, bad, r), (n, i, j)


def test_consistency_rejects_bad_parameters(store):
    m, n = 6, 13
    proof, rm, rn = consistency_proof(store, m, n), root(store, m), root(store, n)
    assert verify_consistency(m, n, rm, rn, proof)
    assert not verify_consistency(n, m, rn, rm, proof)  # m > n
    assert not verify_consistency(0, n, EMPTY_ROOT, rn, proof)  # m == 0
    assert not verify_consistency(0, n, EMPTY_ROOT, rn, [])
    assert not verify_consistency(m, n, rm, rn, [])  # empty proof for m < n
    assert not verify_consistency(m, n, rm, rn, [*proof, LEAVES[0]])  # extra node
    assert not verify_consistency(m, n, rm, rn, proof[:-1])  # missing node
    assert not verify_consistency(m, n, rm, rn, proof[1:])
    assert not verify_consistency(m, n, rn, rm, proof)  # roots swapped
    assert not verify_consistency(m + 1, n, rm, rn, proof)
    assert not verify_consistency(m, 2 * n, rm, rn, proof)
    assert not verify_consistency(m, 7, rm, rn, proof)
    assert not verify_consistency(m, n, rm[:31], rn, proof)
    assert not verify_consistency(m, n, rm, rn, [proof[0][:31], *proof[1:]])
    assert verify_consistency(n, n, rn, rn, [])  # equal sizes: empty proof, equal roots
    assert not verify_consistency(n, n, rn, rm, [])
    assert not verify_consistency(n, n, rn, rn, [rn])
    for bad in [(0, n), (n + 1, n), (-1, n)]:
        with pytest.raises(ValueError):
            consistency_proof(store, *bad)


def test_consistency_rejects_every_single_bit_flip(store):
    for m, n in [(1, 2), (2, 8), (4, 300), (6, 7), (100, 101), (127, 300), (256, 300)]:
        proof, rm, rn = consistency_proof(store, m, n), root(store, m), root(store, n)
        assert verify_consistency(m, n, rm, rn, proof)
        for bit in (0, 5):
            assert not verify_consistency(m, n, _flip(rm, bit), rn, proof), (m, n)
            assert not verify_consistency(m, n, rm, _flip(rn, bit), proof), (m, n)
            for j in range(len(proof)):
                bad = list(proof)
                bad[j] = _flip(bad[j], bit)
                assert not verify_consistency(m, n, rm, rn, bad), (m, n, j)


def test_power_of_two_prefix_root_must_not_be_in_the_proof(store):
    proof = consistency_proof(store, 4, 8)
    assert not verify_consistency(4, 8, root(store, 4), root(store, 8), [root(store, 4), *proof])


# --- storage layout, append and costs ---------------------------------------------------------


def test_perfect_nodes_decomposition():
    assert perfect_nodes(0, 1) == [(0, 0)]
    assert perfect_nodes(0, 8) == [(3, 0)]
    assert perfect_nodes(0, 13) == [(3, 0), (2, 2), (0, 12)]
    assert perfect_nodes(8, 13) == [(2, 2), (0, 12)]
    assert perfect_nodes(256, 300) == [(5, 8), (3, 36), (2, 74)]
    for bad in [(3, 7), (2, 6), (5, 5), (4, 2), (-2, 0)]:
        with pytest.raises(ValueError):
            perfect_nodes(*bad)


def test_subtree_root_matches_oracle(store, ref):
    for a, b in [(0, 1), (8, 13), (256, 300), (128, 256), (64, 100), (299, 300)]:
        assert subtree_root(store, a, b) == ref.mth(a, b)


def test_append_returns_leaf_and_completed_parents():
    store = MemoryNodeStore()
    for i in range(7):
        store.append_leaf(LEAVES[i])
    new = append(store, LEAVES[7], 7)
    assert [(lv, ix) for lv, ix, _ in new] == [(0, 7), (1, 3), (2, 1), (3, 0)]
    assert new[-1][2] == RefTree(LEAVES).mth(0, 8)
    assert [(lv, ix) for lv, ix, _ in append(store, LEAVES[6], 6)] == [(0, 6)]
    with pytest.raises(ValueError):
        append(store, b"short", 6)


def test_append_is_amortized_constant(store):
    assert len(store.nodes) == 2 * N - bin(N).count("1")
    fresh = MemoryNodeStore()
    for i in range(1024):
        fresh.append_leaf(LEAVES[i % N])
    assert fresh.batches <= 1024 and fresh.reads == 1023  # one read per completed parent


def test_append_many_matches_one_by_one(store):
    base = MemoryNodeStore.from_leaves(LEAVES[:37])
    new = append_many(base, LEAVES[37:120], 37)
    base.put_nodes(new)
    expected = {k: v for k, v in store.nodes.items() if (k[1] + 1) << k[0] <= 120}
    assert base.nodes == expected


def test_store_refuses_to_rewrite_a_node():
    store = MemoryNodeStore.from_leaves(LEAVES[:2])
    store.put_nodes([(0, 0, LEAVES[0])])  # idempotent rewrite is fine
    with pytest.raises(ValueError):
        store.put_nodes([(0, 0, LEAVES[1])])


class SyntheticStore:
    """A million-leaf store that fabricates hashes and checks every key it is asked for."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.reads = 0
        self.batches = 0

    def get_nodes(self, keys):
        self.batches += 1
        self.reads += len(keys)
        for level, index in keys:
            assert (index + 1) << level <= self.size, (level, index)
        return [hashlib.sha256(f"{lv}/{ix}".encode()).digest() for lv, ix in keys]


@pytest.mark.parametrize("size", [1_000_000, (1 << 20) - 1, 1 << 20, 999_983])
def test_proofs_cost_one_batch_of_log_n_reads(size):
    bound = 2 * size.bit_length()
    synthetic = SyntheticStore(size)
    root(synthetic, size)
    assert synthetic.batches == 1 and synthetic.reads <= size.bit_length()
    for index in [0, 1, size // 2, size - 2, size - 1, 765_432 % size]:
        synthetic = SyntheticStore(size)
        proof = inclusion_proof(synthetic, index, size)
        assert synthetic.batches == 1 and synthetic.reads <= bound
        assert len(proof) <= size.bit_length()
    for m in [1, 2, 3, 1000, size // 2 + 1, size - 1, size]:
        synthetic = SyntheticStore(size)
        consistency_proof(synthetic, m, size)
        assert synthetic.batches <= 1 and synthetic.reads <= bound


def test_missing_node_raises_key_error():
    store = MemoryNodeStore.from_leaves(LEAVES[:5])
    with pytest.raises(KeyError):
        inclusion_proof(store, 0, 8)


def test_hex_decoding_is_strict():
    assert hash_from_hex("ab" * 32) == b"\xab" * 32
    assert hashes_from_hex(["00" * 32, "ff" * 32]) == [b"\x00" * 32, b"\xff" * 32]
    for bad in ["AB" * 32, "ab" * 31, "ab" * 33, " " + "ab" * 31 + "a", 7, None, "zz" * 32]:
        with pytest.raises(ValueError):
            hash_from_hex(bad)
    with pytest.raises(ValueError):
        hashes_from_hex("ab" * 32)
