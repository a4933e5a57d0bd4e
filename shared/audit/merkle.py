"""RFC 6962 / RFC 9162 Merkle tree hashing, proofs and their verification.

Storage model: a :class:`NodeStore` holds only **perfect** (complete) subtrees, keyed by
``(level, index)``: node ``(level, index)`` is the root over leaves
``[index * 2**level, (index + 1) * 2**level)``; level 0 holds the leaf hashes. Every subtree
``MTH(D[a:b])`` that RFC 9162 uses in a root or proof starts at a multiple of its largest power
of two, so it is the right fold of at most ``log2(b - a) + 1`` perfect nodes. Proofs and roots
therefore cost O(log n) node reads, issued as **one** ``get_nodes`` batch per call.

Appending leaf ``i`` adds the leaf and each parent it completes (amortized 2 nodes); see
:func:`append`. Nodes are immutable once written, so the table is append-only.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from hmac import compare_digest
from typing import Protocol

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MemoryNodeStore",
    "NodeKey",
    "NodeStore",
    "NewNode",
    "TreeBuilder",
    "append",
    "append_many",
    "consistency_proof",
    "consistency_ranges",
    "hash_from_hex",
    "hashes_from_hex",
    "inclusion_proof",
    "inclusion_ranges",
    "leaf_hash",
    "node_hash",
    "perfect_nodes",
    "perfect_subtrees",
    "root",
    "split_point",
    "subtree_root",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
MAX_PROOF_LENGTH = 2 * 64
_HEX = re.compile(r"[0-9a-f]{64}")

NodeKey = tuple[int, int]
"""``(level, index)`` of a perfect subtree."""
NewNode = tuple[int, int, bytes]
"""``(level, index, hash)`` of a perfect subtree to persist."""


class NodeStore(Protocol):
    """Read access to the hashes of perfect subtrees, keyed by ``(level, index)``."""

    def get_nodes(self, keys: Sequence[NodeKey]) -> Sequence[bytes]:
        """Return the hashes of ``keys`` in the same order; raise ``KeyError`` if one is missing."""
        ...


def leaf_hash(entry: bytes) -> bytes:
    """Return the RFC 6962 leaf hash SHA-256(0x00 || entry)."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 6962 interior node hash SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """Return k, the largest power of two strictly smaller than ``n`` (n >= 2)."""
    if n < 2:
        raise ValueError(f"split_point needs n >= 2, got {n}")
    return 1 << ((n - 1).bit_length() - 1)


def perfect_nodes(start: int, end: int) -> list[NodeKey]:
    """Return the perfect nodes, left to right, whose right fold is MTH(D[start:end])."""
    width = end - start
    if start < 0 or width <= 0:
        raise ValueError(f"empty or negative leaf range [{start}, {end})")
    top = width.bit_length() - 1
    if start % (1 << top):
        raise ValueError(f"leaf range [{start}, {end}) is not an RFC 9162 subtree (unaligned)")
    keys: list[NodeKey] = []
    position = start
    for level in range(top, -1, -1):
        if width >> level & 1:
            keys.append((level, position >> level))
            position += 1 << level
    return keys


def _fold(hashes: Sequence[bytes]) -> bytes:
    """Right-fold perfect subtree hashes (left to right) into one subtree hash."""
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def _resolve(store: NodeStore, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
    """Return MTH of each leaf range, reading every needed perfect node in one batch."""
    layouts = [perfect_nodes(a, b) for a, b in ranges]
    keys = list(dict.fromkeys(k for layout in layouts for k in layout))
    if not keys:
        return []
    found = dict(zip(keys, store.get_nodes(keys), strict=True))
    return [_fold([found[k] for k in layout]) for layout in layouts]


def subtree_root(store: NodeStore, start: int, end: int) -> bytes:
    """Return MTH(D[start:end]) for an aligned (RFC 9162) leaf range."""
    return _resolve(store, [(start, end)])[0]


def root(store: NodeStore, size: int) -> bytes:
    """Return the Merkle tree hash of the first ``size`` leaves (SHA-256('') when empty)."""
    if size < 0:
        raise ValueError(f"negative tree size {size}")
    if size == 0:
        return EMPTY_ROOT
    return subtree_root(store, 0, size)


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """Return the leaf ranges of RFC 9162 PATH(index, D[0:size]), leaf-side first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} out of range for tree size {size}")
    start, end = 0, size
    steps: list[tuple[int, int]] = []
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            steps.append((start + k, end))
            end = start + k
        else:
            steps.append((start, start + k))
            start += k
    steps.reverse()
    return steps


def consistency_ranges(m: int, n: int) -> list[tuple[int, int]]:
    """Return the leaf ranges of RFC 9162 PROOF(m, D[0:n]) in proof order (0 < m <= n)."""
    if not 0 < m <= n:
        raise ValueError(f"consistency proof needs 0 < m <= n, got m={m}, n={n}")
    start, end, complete = 0, n, True
    steps: list[tuple[int, int]] = []
    while True:
        width, prior = end - start, m - start
        if prior == width:
            if not complete:
                steps.append((start, end))
            break
        k = split_point(width)
        if prior <= k:
            steps.append((start + k, end))
            end = start + k
        else:
            steps.append((start, start + k))
            start += k
            complete = False
    steps.reverse()
    return steps


def inclusion_proof(store: NodeStore, index: int, size: int) -> list[bytes]:
    """Return the RFC 9162 inclusion proof (audit path) of leaf ``index`` in tree ``size``."""
    return _resolve(store, inclusion_ranges(index, size))


def consistency_proof(store: NodeStore, m: int, n: int) -> list[bytes]:
    """Return the RFC 9162 consistency proof between tree sizes ``m`` and ``n`` (0 < m <= n)."""
    return _resolve(store, consistency_ranges(m, n))


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _valid_path(path: Sequence[bytes]) -> bool:
    return len(path) <= MAX_PROOF_LENGTH and all(_is_hash(p) for p in path)


def verify_inclusion(
    leaf: bytes, index: int, size: int, path: Sequence[bytes], root_hash: bytes
) -> bool:
    """Verify an inclusion proof per RFC 9162 §2.1.3.2; return False on any mismatch."""
    if not (_is_hash(leaf) and _is_hash(root_hash) and _valid_path(path)):
        return False
    if not (isinstance(index, int) and isinstance(size, int) and 0 <= index < size):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and compare_digest(r, root_hash)


def verify_consistency(
    m: int, n: int, root_m: bytes, root_n: bytes, proof: Sequence[bytes]
) -> bool:
    """Verify a consistency proof per RFC 9162 §2.1.4.2 (requires 0 < m <= n)."""
    if not (_is_hash(root_m) and _is_hash(root_n) and _valid_path(proof)):
        return False
    if not (isinstance(m, int) and isinstance(n, int) and 0 < m <= n):
        return False
    if m == n:
        return len(proof) == 0 and compare_digest(root_m, root_n)
    if not proof:
        return False
    path = list(proof)
    if m & (m - 1) == 0:
        path.insert(0, root_m)
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and compare_digest(fr, root_m) and compare_digest(sr, root_n)


def append(store: NodeStore, leaf: bytes, size: int) -> list[NewNode]:
    """Return the perfect nodes to persist when ``leaf`` becomes leaf number ``size``."""
    if not _is_hash(leaf):
        raise ValueError("leaf hash must be 32 bytes")
    keys: list[NodeKey] = []
    level, idx = 0, size
    while idx & 1:
        keys.append((level, idx - 1))
        level += 1
        idx >>= 1
    lefts = store.get_nodes(keys) if keys else []
    new: list[NewNode] = [(0, size, leaf)]
    h = leaf
    for level, left in enumerate(lefts, start=1):
        h = node_hash(left, h)
        new.append((level, size >> level, h))
    return new


class Overlay:
    """A store view that sees nodes not yet persisted on top of a base store."""

    def __init__(self, base: NodeStore) -> None:
        self.base = base
        self.pending: dict[NodeKey, bytes] = {}

    def get_nodes(self, keys: Sequence[NodeKey]) -> Sequence[bytes]:
        missing = [k for k in keys if k not in self.pending]
        fetched = dict(zip(missing, self.base.get_nodes(missing), strict=True)) if missing else {}
        return [self.pending[k] if k in self.pending else fetched[k] for k in keys]


def append_many(store: NodeStore, leaves: Iterable[bytes], size: int) -> list[NewNode]:
    """Return the perfect nodes to persist when appending ``leaves`` after ``size`` leaves."""
    overlay = Overlay(store)
    new: list[NewNode] = []
    for offset, leaf in enumerate(leaves):
        nodes = append(overlay, leaf, size + offset)
        overlay.pending.update(((lv, ix), h) for lv, ix, h in nodes)
        new.extend(nodes)
    return new


class MemoryNodeStore:
    """In-memory :class:`NodeStore` backed by a dict; counts reads for tests."""

    def __init__(self) -> None:
        self.nodes: dict[NodeKey, bytes] = {}
        self.size = 0
        self.reads = 0
        self.batches = 0

    def get_nodes(self, keys: Sequence[NodeKey]) -> list[bytes]:
        """Return the hashes of ``keys`` in order (``KeyError`` if absent)."""
        self.batches += 1
        self.reads += len(keys)
        return [self.nodes[k] for k in keys]

    def put_nodes(self, nodes: Iterable[NewNode]) -> None:
        """Persist nodes; rewriting a node with a different hash is an error."""
        for level, index, h in nodes:
            old = self.nodes.setdefault((level, index), h)
            if old != h:
                raise ValueError(f"node ({level}, {index}) already stored with another hash")

    def append_leaf(self, leaf: bytes) -> int:
        """Append a leaf hash, persist its new nodes and return its index."""
        self.put_nodes(append(self, leaf, self.size))
        self.size += 1
        return self.size - 1

    @classmethod
    def from_leaves(cls, leaves: Iterable[bytes]) -> MemoryNodeStore:
        """Build a store from leaf hashes, in order."""
        store = cls()
        for leaf in leaves:
            store.append_leaf(leaf)
        return store


def perfect_subtrees(leaves: Sequence[bytes], start: int) -> list[tuple[int, bytes]]:
    """Hash leaves ``start, start + 1, ...`` into the aligned perfect subtrees that cover them,
    left to right, as ``(level, hash)``; each is hashed a whole level at a time."""
    sha256, out, done, count = hashlib.sha256, [], 0, len(leaves)
    while done < count:
        at = start + done
        aligned = (at & -at).bit_length() - 1 if at else count.bit_length()
        level = min(aligned, (count - done).bit_length() - 1)
        layer = leaves[done:done + (1 << level)]
        for _ in range(level):
            layer = [sha256(b"\x01" + left + right).digest()
                     for left, right in zip(layer[0::2], layer[1::2], strict=True)]
        out.append((level, layer[0]))
        done += 1 << level
    return out


class TreeBuilder:
    """Streaming root computation: a stack of perfect subtrees, O(log n) memory."""

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[tuple[int, bytes]] = []

    def push(self, leaf: bytes) -> None:
        """Add the next leaf hash."""
        self.push_subtree(0, leaf)

    def extend(self, leaves: Sequence[bytes]) -> None:
        """Add many leaf hashes: the same tree as pushing each, in far fewer Python steps."""
        for level, h in perfect_subtrees(leaves, self.size):
            self.push_subtree(level, h)

    def push_subtree(self, level: int, h: bytes) -> None:
        """Add the root of the next ``2**level`` leaves (the size must be a multiple of that)."""
        self.size += 1 << level
        while self._stack and self._stack[-1][0] == level:
            _, left = self._stack.pop()
            h = node_hash(left, h)
            level += 1
        self._stack.append((level, h))

    def root(self) -> bytes:
        """Return the Merkle tree hash of the leaves pushed so far."""
        if not self._stack:
            return EMPTY_ROOT
        return _fold([h for _, h in self._stack])


def hashes_from_hex(values: object) -> list[bytes]:
    """Decode a JSON list of lowercase-hex SHA-256 hashes; raise ``ValueError`` if malformed."""
    if not isinstance(values, list):
        raise ValueError("expected a list of hex hashes")
    return [hash_from_hex(v) for v in values]


def hash_from_hex(value: object) -> bytes:
    """Decode one lowercase-hex SHA-256 hash; raise ``ValueError`` if malformed."""
    if not isinstance(value, str) or not _HEX.fullmatch(value):
        raise ValueError(f"not a lowercase hex SHA-256 hash: {value!r}")
    return bytes.fromhex(value)
