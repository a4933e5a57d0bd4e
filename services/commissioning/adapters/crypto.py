"""Envelope encryption of sealed bids: AES-256-GCM per-tender data keys wrapped by a master key."""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


def master_key_bytes(value: str) -> bytes:
    """Decode the base64 master key; it must be 16, 24 or 32 bytes (AES)."""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("MASTER_KEY must be base64") from exc
    if len(raw) not in (16, 24, 32):
        raise ValueError("MASTER_KEY must decode to 16, 24 or 32 bytes")
    return raw


def _seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _open(key: bytes, blob: bytes, aad: bytes) -> bytes:
    return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)


def new_wrapped_data_key(master: bytes, tender_id: str) -> bytes:
    """A fresh random 32-byte data key for one tender, wrapped by the master key."""
    return _seal(master, AESGCM.generate_key(bit_length=256), b"tender-key:" + tender_id.encode())


def unwrap_data_key(master: bytes, wrapped: bytes, tender_id: str) -> bytes:
    """Unwrap a tender's data key (raises InvalidTag on the wrong master key or tender)."""
    return _open(master, wrapped, b"tender-key:" + tender_id.encode())


def _bid_aad(bid_id: str, version: int) -> bytes:
    # Binding the ciphertext to bid and version stops rows being swapped between bids.
    return f"bid:{bid_id}:v{version}".encode()


def encrypt_content(data_key: bytes, bid_id: str, version: int, plaintext: bytes) -> bytes:
    """Encrypt one bid version's content."""
    return _seal(data_key, plaintext, _bid_aad(bid_id, version))


def decrypt_content(data_key: bytes, bid_id: str, version: int, blob: bytes) -> bytes:
    """Decrypt one bid version's content."""
    return _open(data_key, blob, _bid_aad(bid_id, version))


def _block_aad(document_id: str, seq: int) -> bytes:
    # Bound to document and position: blocks cannot be swapped, reordered or moved elsewhere.
    return f"doc:{document_id}:{seq}".encode()


def encrypt_block(data_key: bytes, document_id: str, seq: int, plaintext: bytes) -> bytes:
    """Encrypt one block of a document (documents are sealed block by block, as they stream)."""
    return _seal(data_key, plaintext, _block_aad(document_id, seq))


def decrypt_block(data_key: bytes, document_id: str, seq: int, blob: bytes) -> bytes:
    """Decrypt one block of a document."""
    return _open(data_key, blob, _block_aad(document_id, seq))
