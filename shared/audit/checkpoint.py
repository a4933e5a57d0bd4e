"""Signed tree heads: the C2SP tlog-checkpoint body, Ed25519 signatures, key helpers.

The checkpoint (docs/api.md, "Checkpoint format") is exactly three newline-terminated lines::

    coprocure-audit
    <tree size in decimal>
    <root hash in standard base64>

``signature`` is the standard-base64 Ed25519 signature over exactly those UTF-8 bytes.

``key_id`` is the first 8 lowercase hex characters (4 bytes) of SHA-256 over the raw 32-byte
Ed25519 public key. It is *not* the C2SP signed-note key hash, which is
SHA-256(key name || 0x0A || 0x01 || public key)[:4]; see :func:`note_key_hash`.

:func:`signed_note` emits the full C2SP signed-note form (body, a blank line, then
``— coprocure-audit <base64(note key hash || signature)>``) for tools that speak it
(e.g. ``golang.org/x/mod/sumdb/note``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

__all__ = [
    "ORIGIN",
    "CheckpointError",
    "checkpoint_body",
    "key_id",
    "load_private_key",
    "load_public_key",
    "note_key_hash",
    "note_verifier_key",
    "parse_checkpoint",
    "public_key_b64",
    "public_key_document",
    "sign_checkpoint",
    "signed_note",
    "tree_head",
    "verify_checkpoint",
    "verify_signed_note",
]

ORIGIN = "coprocure-audit"
_SIZE = re.compile(r"0|[1-9][0-9]*")
_EM_DASH = "\u2014"
_ED25519_TYPE = b"\x01"


class CheckpointError(ValueError):
    """A checkpoint, signature or key is malformed or does not verify."""


def _b64decode(text: str, what: str) -> bytes:
    """Strictly decode standard (padded) base64."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, AttributeError) as exc:
        raise CheckpointError(f"{what} is not valid base64") from exc
    if base64.b64encode(raw).decode("ascii") != text:
        raise CheckpointError(f"{what} is not canonical standard base64")
    return raw


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def checkpoint_body(size: int, root: bytes, origin: str = ORIGIN) -> str:
    """Return the checkpoint text ``origin\\nsize\\nbase64(root)\\n``."""
    if not isinstance(size, int) or size < 0:
        raise CheckpointError(f"tree size must be a non-negative int, got {size!r}")
    if len(root) != 32:
        raise CheckpointError("root hash must be 32 bytes")
    return f"{origin}\n{size}\n{_b64(root)}\n"


def parse_checkpoint(text: str, origin: str = ORIGIN) -> tuple[int, bytes]:
    """Parse a checkpoint body strictly; return ``(size, root)`` or raise ``CheckpointError``."""
    if not isinstance(text, str) or not text.endswith("\n"):
        raise CheckpointError("checkpoint must be text ending in a newline")
    lines = text[:-1].split("\n")
    if len(lines) != 3:
        raise CheckpointError(f"checkpoint must have exactly 3 lines, got {len(lines)}")
    got_origin, size_text, root_text = lines
    if got_origin != origin:
        raise CheckpointError(f"checkpoint origin {got_origin!r} is not {origin!r}")
    if not _SIZE.fullmatch(size_text):
        raise CheckpointError(f"checkpoint tree size {size_text!r} is not a decimal integer")
    root = _b64decode(root_text, "checkpoint root hash")
    if len(root) != 32:
        raise CheckpointError("checkpoint root hash is not 32 bytes")
    return int(size_text), root


def sign_checkpoint(private_key: Ed25519PrivateKey, size: int, root: bytes) -> tuple[str, str]:
    """Return ``(checkpoint_text, signature_b64)`` for a tree of ``size`` with ``root``."""
    text = checkpoint_body(size, root)
    return text, _b64(private_key.sign(text.encode("utf-8")))


def verify_checkpoint(
    public_key: Ed25519PublicKey, checkpoint_text: str, signature_b64: str
) -> tuple[int, bytes]:
    """Verify the Ed25519 signature over the checkpoint bytes; return ``(size, root)``."""
    size, root = parse_checkpoint(checkpoint_text)
    signature = _b64decode(signature_b64, "signature")
    if len(signature) != 64:
        raise CheckpointError("signature is not 64 bytes")
    try:
        public_key.verify(signature, checkpoint_text.encode("utf-8"))
    except InvalidSignature as exc:
        raise CheckpointError("checkpoint signature does not verify with this key") from exc
    return size, root


def key_id(public_key: Ed25519PublicKey) -> str:
    """Return the key id: first 8 hex chars of SHA-256 over the raw 32-byte public key."""
    return hashlib.sha256(_raw_public(public_key)).hexdigest()[:8]


def public_key_b64(public_key: Ed25519PublicKey) -> str:
    """Return base64 of the 32 raw public key bytes (the API's ``public_key``)."""
    return _b64(_raw_public(public_key))


def public_key_document(public_key: Ed25519PublicKey) -> dict[str, str]:
    """Return the ``GET /audit/public-key`` body ``{key_id, algorithm, public_key}``."""
    return {
        "key_id": key_id(public_key),
        "algorithm": "ed25519",
        "public_key": public_key_b64(public_key),
    }


def load_private_key(seed_b64: str) -> Ed25519PrivateKey:
    """Load an Ed25519 private key from base64 of its 32-byte seed."""
    seed = _b64decode(seed_b64.strip(), "private key")
    if len(seed) != 32:
        raise CheckpointError("Ed25519 private key seed must be 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(seed)


def load_public_key(public_b64: str) -> Ed25519PublicKey:
    """Load an Ed25519 public key from base64 of its 32 raw bytes."""
    raw = _b64decode(public_b64.strip(), "public key")
    if len(raw) != 32:
        raise CheckpointError("Ed25519 public key must be 32 bytes")
    try:
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise CheckpointError("not a valid Ed25519 public key") from exc


def tree_head(
    private_key: Ed25519PrivateKey, size: int, root: bytes, timestamp: str
) -> dict[str, Any]:
    """Return a ``GET /audit/tree-head`` body; ``timestamp`` is not covered by the signature."""
    text, signature = sign_checkpoint(private_key, size, root)
    return {
        "tree_size": size,
        "root_hash": root.hex(),
        "timestamp": timestamp,
        "key_id": key_id(private_key.public_key()),
        "checkpoint": text,
        "signature": signature,
    }


def note_key_hash(public_key: Ed25519PublicKey, key_name: str = ORIGIN) -> bytes:
    """Return the C2SP signed-note key hash SHA-256(name || 0x0A || 0x01 || key)[:4]."""
    material = key_name.encode("utf-8") + b"\n" + _ED25519_TYPE + _raw_public(public_key)
    return hashlib.sha256(material).digest()[:4]


def note_verifier_key(public_key: Ed25519PublicKey, key_name: str = ORIGIN) -> str:
    """Return the signed-note verifier key ``name+hexhash+base64(0x01 || key)``."""
    key_hash = note_key_hash(public_key, key_name).hex()
    return f"{key_name}+{key_hash}+{_b64(_ED25519_TYPE + _raw_public(public_key))}"


def signed_note(
    private_key: Ed25519PrivateKey, size: int, root: bytes, key_name: str = ORIGIN
) -> str:
    """Return the C2SP signed note: body, blank line, ``— name base64(keyhash||sig)``."""
    text, signature_b64 = sign_checkpoint(private_key, size, root)
    blob = note_key_hash(private_key.public_key(), key_name) + base64.b64decode(signature_b64)
    return f"{text}\n{_EM_DASH} {key_name} {_b64(blob)}\n"


def verify_signed_note(
    public_key: Ed25519PublicKey, note: str, key_name: str = ORIGIN
) -> tuple[int, bytes]:
    """Verify a C2SP signed note carrying a checkpoint; return ``(size, root)``."""
    body, sep, signatures = note.partition("\n\n")
    if not sep or not signatures.endswith("\n"):
        raise CheckpointError("signed note must be body, blank line, signature lines")
    want = note_key_hash(public_key, key_name)
    for line in signatures[:-1].split("\n"):
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != _EM_DASH or parts[1] != key_name:
            continue
        blob = _b64decode(parts[2], "note signature")
        if len(blob) == 68 and blob[:4] == want:
            return verify_checkpoint(public_key, body + "\n", _b64(blob[4:]))
    raise CheckpointError(f"signed note has no signature by key {key_name!r}")
