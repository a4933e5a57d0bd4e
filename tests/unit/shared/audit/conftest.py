"""Fixtures for the audit-core tests: deterministic keys and entries."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

SEED = bytes(range(32))
OTHER_SEED = bytes(range(1, 33))


@pytest.fixture
def private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(SEED)


@pytest.fixture
def other_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(OTHER_SEED)


@pytest.fixture
def seed_b64() -> str:
    return base64.b64encode(SEED).decode()
