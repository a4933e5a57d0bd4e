"""A deliberately naive, recursive RFC 9162 §2.1 implementation used as a test oracle."""

from __future__ import annotations

import hashlib


def ref_leaf(data: bytes) -> bytes:
    """SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def ref_node(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


class RefTree:
    """MTH, PATH and PROOF exactly as written in RFC 9162 §2.1.1-§2.1.4, over leaf hashes."""

    def __init__(self, leaves: list[bytes]) -> None:
        self.leaves = leaves
        self._cache: dict[tuple[int, int], bytes] = {}

    def mth(self, a: int, b: int) -> bytes:
        """MTH(D[a:b])."""
        if (a, b) in self._cache:
            return self._cache[(a, b)]
        n = b - a
        if n == 0:
            value = hashlib.sha256(b"").digest()
        elif n == 1:
            value = self.leaves[a]
        else:
            k = _k(n)
            value = ref_node(self.mth(a, a + k), self.mth(a + k, b))
        self._cache[(a, b)] = value
        return value

    def path(self, m: int, a: int, b: int) -> list[bytes]:
        """PATH(m, D[a:b])."""
        n = b - a
        if n == 1:
            return []
        k = _k(n)
        if m < k:
            return self.path(m, a, a + k) + [self.mth(a + k, b)]
        return self.path(m - k, a + k, b) + [self.mth(a, a + k)]

    def subproof(self, m: int, a: int, b: int, flag: bool) -> list[bytes]:
        """SUBPROOF(m, D[a:b], flag)."""
        n = b - a
        if m == n:
            return [] if flag else [self.mth(a, b)]
        k = _k(n)
        if m <= k:
            return self.subproof(m, a, a + k, flag) + [self.mth(a + k, b)]
        return self.subproof(m - k, a + k, b, False) + [self.mth(a, a + k)]

    def proof(self, m: int, n: int) -> list[bytes]:
        """PROOF(m, D[0:n])."""
        return self.subproof(m, 0, n, True)
