"""Password hashing (argon2id): the only module that touches the hashes' cryptography.

``COPROCURE_PASSWORD_HASH_PROFILE=test`` selects argon2's cheapest parameters so the test suite
does not spend minutes hashing; it is refused when ``COPROCURE_ENV=production``.
"""

from __future__ import annotations

import secrets
from functools import lru_cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from shared.config import env


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    if env("PASSWORD_HASH_PROFILE", "default") == "test":
        if env("ENV", "dev") == "production":
            raise RuntimeError("COPROCURE_PASSWORD_HASH_PROFILE=test is refused in production")
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verified against when the email is unknown, so a miss costs as much as a wrong password.
    return _hasher().hash("not-a-real-password-" + secrets.token_hex(8))


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher().hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    """True if the password matches; with no stored hash, burn the same time and say no."""
    try:
        _hasher().verify(_dummy_hash() if stored_hash is None else stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    return stored_hash is not None


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with other parameters than today's."""
    return _hasher().check_needs_rehash(stored_hash)
