"""RFC 8785 (JSON Canonicalization Scheme) encoding and SHA-256 helpers."""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785

__all__ = ["CanonicalizationError", "canonical_json", "sha256_hex"]

CanonicalizationError = rfc8785.CanonicalizationError


def canonical_json(obj: Any) -> bytes:
    """Return the RFC 8785 canonical UTF-8 encoding of a JSON-compatible object."""
    return rfc8785.dumps(obj)


def sha256_hex(data: bytes) -> str:
    """Return the lowercase hex SHA-256 digest of ``data``."""
    return hashlib.sha256(data).hexdigest()
