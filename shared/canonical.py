"""RFC 8785 (JSON Canonicalization Scheme) encoding and SHA-256: the project's one hash."""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785

__all__ = ["CanonicalizationError", "canonical_json", "canonical_sha256", "sha256_hex"]

CanonicalizationError = rfc8785.CanonicalizationError


def canonical_json(obj: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 encoding of a JSON-compatible object."""
    return rfc8785.dumps(obj)


def sha256_hex(data: bytes) -> str:
    """The lowercase hex SHA-256 digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


def canonical_sha256(obj: Any) -> str:
    """The lowercase hex SHA-256 of the RFC 8785 canonical JSON of ``obj``."""
    return sha256_hex(canonical_json(obj))
