"""Check a signed tree head against the published Ed25519 key (the portal's own check)."""

from __future__ import annotations

import base64
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def verify_tree_head(head: dict[str, Any] | None, key: dict[str, Any] | None) -> bool | None:
    """True if the checkpoint's signature verifies and matches its fields; None if unknown."""
    if not head or not key:
        return None
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key["public_key"]))
        checkpoint = str(head["checkpoint"]).encode()
        public.verify(base64.b64decode(head["signature"]), checkpoint)
        lines = checkpoint.decode().split("\n")
        root = base64.b64decode(lines[2]).hex()
        return int(lines[1]) == int(head["tree_size"]) and root == str(head["root_hash"]).lower()
    except (InvalidSignature, KeyError, ValueError, IndexError, TypeError):
        return False
