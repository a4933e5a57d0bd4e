"""RFC 8785 canonical JSON and its SHA-256, used for run input/output hashes."""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785


def canonical_json(obj: Any) -> bytes:
    """Serialise obj as RFC 8785 (JCS) canonical JSON bytes."""
    return rfc8785.dumps(obj)


def canonical_sha256(obj: Any) -> str:
    """Lowercase hex SHA-256 of the RFC 8785 canonical JSON of obj."""
    return hashlib.sha256(canonical_json(obj)).hexdigest()
