"""The password hashing adapter: argon2id, a cheap profile for tests that production refuses."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, extract_parameters, profiles

from services.gateway.adapters import passwords


@pytest.fixture
def profile(monkeypatch):
    def choose(name: str | None, env: str = "dev") -> None:
        if name is None:
            monkeypatch.delenv("COPROCURE_PASSWORD_HASH_PROFILE", raising=False)
        else:
            monkeypatch.setenv("COPROCURE_PASSWORD_HASH_PROFILE", name)
        monkeypatch.setenv("COPROCURE_ENV", env)
        passwords._hasher.cache_clear()
        passwords._dummy_hash.cache_clear()

    yield choose
    passwords._hasher.cache_clear()
    passwords._dummy_hash.cache_clear()


def test_default_profile_is_argon2_recommended(profile):
    profile(None)
    stored = passwords.hash_password("correct horse battery staple")
    assert stored.startswith("$argon2id$")
    assert extract_parameters(stored).memory_cost == PasswordHasher().memory_cost
    assert passwords.password_matches(stored, "correct horse battery staple")
    assert not passwords.password_matches(stored, "correct horse battery stapl")
    assert not passwords.password_matches(None, "anything")


def test_test_profile_is_cheap_and_still_argon2id(profile):
    profile("test")
    stored = passwords.hash_password("pw-for-tests")
    assert stored.startswith("$argon2id$")
    assert extract_parameters(stored).memory_cost == profiles.CHEAPEST.memory_cost
    assert passwords.password_matches(stored, "pw-for-tests")


def test_production_refuses_the_test_profile(profile):
    profile("test", env="production")
    with pytest.raises(RuntimeError, match="refused in production"):
        passwords.hash_password("x")
