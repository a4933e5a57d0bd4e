"""Signed tree heads: exact checkpoint bytes, Ed25519 round trips, tampering, key helpers."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from shared.audit.checkpoint import (
    CheckpointError,
    checkpoint_body,
    key_id,
    load_private_key,
    load_public_key,
    note_key_hash,
    note_verifier_key,
    parse_checkpoint,
    public_key_b64,
    public_key_document,
    sign_checkpoint,
    signed_note,
    tree_head,
    verify_checkpoint,
    verify_signed_note,
)
from shared.canonical import canonical_json, sha256_hex

ROOT = hashlib.sha256(b"some root").digest()
ROOT_B64 = base64.b64encode(ROOT).decode()

# RFC 8032 §7.1 TEST 1 (empty message).
RFC8032_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
RFC8032_PUB = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
RFC8032_SIG = (
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc6"
    "1e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)


def _raw(public_key) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def test_canonical_json_and_sha256_hex():
    want = '{"a":[1,"é",null],"b":1}'.encode()
    assert canonical_json({"b": 1, "a": [1.0, "\u00e9", None]}) == want
    assert sha256_hex(b"") == hashlib.sha256(b"").hexdigest()


def test_checkpoint_exact_layout(private_key):
    text, signature = sign_checkpoint(private_key, 42, ROOT)
    assert text == f"coprocure-audit\n42\n{ROOT_B64}\n"
    assert text == checkpoint_body(42, ROOT)
    raw_sig = base64.b64decode(signature, validate=True)
    assert len(raw_sig) == 64
    private_key.public_key().verify(raw_sig, text.encode())  # over exactly those bytes
    assert verify_checkpoint(private_key.public_key(), text, signature) == (42, ROOT)


def test_empty_tree_checkpoint(private_key):
    empty = hashlib.sha256(b"").digest()
    text, signature = sign_checkpoint(private_key, 0, empty)
    assert text == "coprocure-audit\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
    assert verify_checkpoint(private_key.public_key(), text, signature) == (0, empty)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t.replace("\n42\n", "\n43\n"),
        lambda t: t.replace("coprocure-audit", "coprocure-audiT"),
        lambda t: t.replace(ROOT_B64, base64.b64encode(hashlib.sha256(b"x").digest()).decode()),
        lambda t: t + "extension line\n",
        lambda t: t[:-1],
        lambda t: t.replace("\n", "\r\n"),
    ],
)
def test_tampered_checkpoint_text_is_rejected(private_key, tamper):
    text, signature = sign_checkpoint(private_key, 42, ROOT)
    with pytest.raises(CheckpointError):
        verify_checkpoint(private_key.public_key(), tamper(text), signature)


def test_tampered_or_foreign_signature_is_rejected(private_key, other_key):
    text, signature = sign_checkpoint(private_key, 42, ROOT)
    raw = bytearray(base64.b64decode(signature))
    raw[10] ^= 0x01
    for bad in [base64.b64encode(bytes(raw)).decode(), signature[:-4], "", "!!!!", signature + "="]:
        with pytest.raises(CheckpointError):
            verify_checkpoint(private_key.public_key(), text, bad)
    with pytest.raises(CheckpointError, match="does not verify"):
        verify_checkpoint(other_key.public_key(), text, signature)


@pytest.mark.parametrize(
    "text",
    [
        "coprocure-audit\n042\n" + ROOT_B64 + "\n",
        "coprocure-audit\n-1\n" + ROOT_B64 + "\n",
        "coprocure-audit\n 1\n" + ROOT_B64 + "\n",
        "coprocure-audit\n1\n" + ROOT_B64.rstrip("=") + "\n",
        "coprocure-audit\n1\n" + base64.b64encode(b"short").decode() + "\n",
        "coprocure-audit\n1\n" + base64.urlsafe_b64encode(b"\xff" * 32).decode() + "\n",
        "other-log\n1\n" + ROOT_B64 + "\n",
        "coprocure-audit\n1\n" + ROOT_B64,
        "",
    ],
)
def test_malformed_checkpoints_are_rejected(text):
    with pytest.raises(CheckpointError):
        parse_checkpoint(text)


def test_body_rejects_bad_inputs():
    with pytest.raises(CheckpointError):
        checkpoint_body(-1, ROOT)
    with pytest.raises(CheckpointError):
        checkpoint_body(1, ROOT[:31])


def test_key_id_is_sha256_prefix_of_raw_public_key(private_key):
    raw = _raw(private_key.public_key())
    assert key_id(private_key.public_key()) == hashlib.sha256(raw).hexdigest()[:8]
    assert len(key_id(private_key.public_key())) == 8


def test_key_loading_round_trip(private_key, seed_b64):
    loaded = load_private_key(seed_b64)
    assert _raw(loaded.public_key()) == _raw(private_key.public_key())
    pub_b64 = public_key_b64(private_key.public_key())
    assert base64.b64decode(pub_b64) == _raw(private_key.public_key())
    assert _raw(load_public_key(pub_b64)) == _raw(private_key.public_key())
    assert public_key_document(private_key.public_key()) == {
        "key_id": key_id(private_key.public_key()),
        "algorithm": "ed25519",
        "public_key": pub_b64,
    }
    for bad in ["", "AAAA", base64.b64encode(b"x" * 33).decode(), "not base64!"]:
        with pytest.raises(CheckpointError):
            load_public_key(bad)
        with pytest.raises(CheckpointError):
            load_private_key(bad)


def test_rfc8032_vector_through_our_loaders():
    key = load_private_key(base64.b64encode(bytes.fromhex(RFC8032_SEED)).decode())
    assert _raw(key.public_key()).hex() == RFC8032_PUB
    assert key.sign(b"").hex() == RFC8032_SIG
    load_public_key(base64.b64encode(bytes.fromhex(RFC8032_PUB)).decode()).verify(
        bytes.fromhex(RFC8032_SIG), b""
    )


def test_tree_head_document(private_key):
    head = tree_head(private_key, 7, ROOT, "2025-03-01T10:00:00Z")
    assert head["tree_size"] == 7 and head["root_hash"] == ROOT.hex()
    assert head["key_id"] == key_id(private_key.public_key())
    assert head["timestamp"] == "2025-03-01T10:00:00Z"
    assert verify_checkpoint(private_key.public_key(), head["checkpoint"], head["signature"]) == (
        7,
        ROOT,
    )


def test_signed_note_form(private_key, other_key):
    note = signed_note(private_key, 42, ROOT)
    body, sig_line = note.split("\n\n")
    assert body + "\n" == checkpoint_body(42, ROOT)
    assert sig_line.startswith("\u2014 coprocure-audit ") and sig_line.endswith("\n")
    blob = base64.b64decode(sig_line.split(" ")[2])
    raw_pub = _raw(private_key.public_key())
    want_hash = hashlib.sha256(b"coprocure-audit\n\x01" + raw_pub).digest()[:4]
    assert blob[:4] == want_hash == note_key_hash(private_key.public_key())
    private_key.public_key().verify(blob[4:], checkpoint_body(42, ROOT).encode())
    assert verify_signed_note(private_key.public_key(), note) == (42, ROOT)
    vkey = note_verifier_key(private_key.public_key())
    typed_key = base64.b64encode(b"\x01" + raw_pub).decode()
    assert vkey == f"coprocure-audit+{want_hash.hex()}+{typed_key}"
    with pytest.raises(CheckpointError):
        verify_signed_note(other_key.public_key(), note)
    with pytest.raises(CheckpointError):
        verify_signed_note(private_key.public_key(), note.replace("\n42\n", "\n41\n"))
    with pytest.raises(CheckpointError):
        verify_signed_note(private_key.public_key(), checkpoint_body(42, ROOT))
