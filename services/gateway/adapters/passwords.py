"""Password hashing (argon2id): the only module that touches the hashes' cryptography."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the email is unknown, so a miss costs as much as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password-" + secrets.token_hex(8))


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    """True if the password matches; with no stored hash, burn the same time and say no."""
    try:
        _hasher.verify(_DUMMY_HASH if stored_hash is None else stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    return stored_hash is not None


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored_hash)
