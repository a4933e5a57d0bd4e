"""Identity rules: roles, organisation kinds, emails, passwords and token lifetimes."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from shared.identity import ROLES

# Roles held by the commissioner's own people (shared.identity has no such set yet).
STAFF_ROLES = frozenset({"admin", "commissioner", "evaluator", "moderator", "auditor"})
BIDDER_KINDS = ("social_enterprise", "charity", "cic", "cooperative", "mutual", "other")
ORG_KINDS = (*BIDDER_KINDS, "commissioning_body")
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 hashes anything, but unbounded input is a DoS lever
DEFAULT_TOKEN_TTL_SECONDS = 8 * 3600
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,253}\.[^@\s.]{1,63}$")


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def email_is_valid(email: str) -> bool:
    """A plausible address: local@domain.tld, no spaces, bounded length."""
    return len(email) <= 320 and bool(_EMAIL.match(email))


def password_problems(password: str) -> list[str]:
    """What is wrong with a new password (empty when acceptable)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"Must be at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"Must be at most {MAX_PASSWORD_LENGTH} characters.")
    return problems


def unknown_roles(roles: list[str]) -> list[str]:
    """Roles that do not exist."""
    return [r for r in roles if r not in ROLES]


def default_org_kind(roles: list[str] | tuple[str, ...]) -> str:
    """The kind of organisation the CLI creates for a user: staff work for the commissioner."""
    return "commissioning_body" if STAFF_ROLES.intersection(roles) else "other"


def organisation_key(name: str) -> str:
    """Organisation names are unique ignoring case and runs of whitespace."""
    return " ".join(name.split()).lower()


def token_digest(token: str) -> str:
    """The SHA-256 (hex) under which a bearer token is stored; the token itself never is."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_expiry(issued_at: datetime, ttl_seconds: int) -> datetime:
    """When a token issued at ``issued_at`` stops working."""
    return issued_at + timedelta(seconds=ttl_seconds)


def token_usable(expires_at: datetime, revoked_at: datetime | None, now: datetime) -> bool:
    """A token works until it expires or is revoked."""
    return revoked_at is None and now < expires_at


def password_stamp(password_hash: str) -> str:
    """What a token remembers of its user's password hash (a digest, never the hash)."""
    return hashlib.sha256(("stamp:" + password_hash).encode()).hexdigest()
