"""Identity service layer: organisations, users, password checks and bearer tokens."""

from __future__ import annotations

import secrets
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.gateway.adapters.tables import ApiToken, Organisation, User
from services.gateway.domain import identity as rules
from shared.db import transaction
from shared.errors import Conflict, Invalid, Unauthorized
from shared.identity import Identity

_hasher = PasswordHasher()
# Verified against when the email is unknown, so a miss costs as much as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password-" + secrets.token_hex(8))

Clock = Callable[[], datetime]
# Per engine, its autocommit twin (sharing the pool), made on first use.
_autocommit_engines: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything here is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def user_document(user: User) -> dict:
    """The public shape of a user (``GET /me``)."""
    org = user.organisation
    return {"id": user.id, "email": user.email, "roles": list(user.roles),
            "organisation": None if org is None else organisation_document(org),
            "lived_experience": user.lived_experience}


def organisation_document(org: Organisation) -> dict:
    """The public shape of an organisation."""
    return {"id": org.id, "name": org.name, "kind": org.kind}


def identity_of(user: User, request_id: str | None = None) -> Identity:
    """The identity the gateway asserts to services for this user."""
    org = user.organisation
    return Identity(user_id=user.id, organisation_id=user.organisation_id,
                    roles=tuple(user.roles), lived_experience=user.lived_experience,
                    email=user.email, request_id=request_id,
                    organisation_name=org.name if org else None)


def _check_password(password: str) -> None:
    problems = rules.password_problems(password)
    if problems:
        raise Invalid({"password": problems})


def _check_email(email: str) -> str:
    normalised = rules.normalise_email(email)
    if not rules.email_is_valid(normalised):
        raise Invalid({"email": ["Not a valid email address."]})
    return normalised


def _new_organisation(session: Session, name: str, kind: str) -> Organisation:
    key = rules.organisation_key(name)
    if not key:
        raise Invalid({"organisation.name": ["Must not be blank."]})
    if session.scalar(select(Organisation).where(Organisation.name_key == key)):
        raise Conflict(f"An organisation named {name!r} already exists")
    org = Organisation(name=" ".join(name.split()), name_key=key, kind=kind)
    session.add(org)
    return org


def _new_user(session: Session, email: str, password: str, roles: Iterable[str],
              organisation: Organisation | None, lived_experience: bool) -> User:
    email = _check_email(email)
    _check_password(password)
    roles = list(dict.fromkeys(roles))
    if not roles or rules.unknown_roles(roles):
        raise Invalid({"roles": [f"Each role must be one of {', '.join(rules.ROLES)}."]})
    if session.scalar(select(User).where(User.email == email)):
        raise Conflict("A user with this email already exists")
    user = User(email=email, password_hash=hash_password(password), roles=roles,
                organisation=organisation, lived_experience=lived_experience, active=True)
    session.add(user)
    return user


def _commit(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent insert won the race for the unique key
        raise Conflict("That email or organisation name is already taken") \
            from exc


def register_bidder(factory: sessionmaker[Session], email: str, password: str,
                    org_name: str, org_kind: str) -> dict:
    """Self-service registration: a new bidder organisation and its first user."""
    if org_kind not in rules.BIDDER_KINDS:
        raise Invalid({"organisation.kind": [
            f"Must be one of {', '.join(rules.BIDDER_KINDS)}."]})
    with transaction(factory) as session:
        _check_email(email)
        _check_password(password)
        org = _new_organisation(session, org_name, org_kind)
        user = _new_user(session, email, password, ["bidder"], org, False)
        _commit(session)
        return user_document(user)


def create_organisation(factory: sessionmaker[Session], name: str, kind: str) -> dict:
    """An admin creates an organisation (any kind, commissioning bodies included)."""
    if kind not in rules.ORG_KINDS:
        raise Invalid({"kind": [f"Must be one of {', '.join(rules.ORG_KINDS)}."]})
    with transaction(factory) as session:
        org = _new_organisation(session, name, kind)
        _commit(session)
        return organisation_document(org)


def get_organisation(factory: sessionmaker[Session], org_id: str) -> dict | None:
    """An organisation by id, or None."""
    with factory() as session:
        org = session.get(Organisation, org_id)
        return None if org is None else organisation_document(org)


def create_user(factory: sessionmaker[Session], email: str, password: str, roles: list[str],
                organisation_id: str | None, lived_experience: bool = False) -> dict:
    """An admin creates a user in an existing organisation."""
    with transaction(factory) as session:
        org = None
        if organisation_id is not None:
            org = session.get(Organisation, organisation_id)
            if org is None:
                raise Invalid({"organisation_id": ["No such organisation."]})
        user = _new_user(session, email, password, roles, org, lived_experience)
        _commit(session)
        return user_document(user)


def create_user_with_org_name(factory: sessionmaker[Session], email: str, password: str,
                              roles: list[str], org_name: str | None,
                              lived_experience: bool = False) -> dict:
    """The CLI's variant: find the organisation by name, creating it if missing."""
    with transaction(factory) as session:
        org = None
        if org_name:
            key = rules.organisation_key(org_name)
            org = session.scalar(select(Organisation).where(Organisation.name_key == key))
            if org is None:
                org = _new_organisation(session, org_name, rules.default_org_kind(roles))
        user = _new_user(session, email, password, roles, org, lived_experience)
        _commit(session)
        return user_document(user)


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued token: the only moment the raw value exists."""

    access_token: str
    expires_in: int
    expires_at: datetime
    user: dict


def issue_token(factory: sessionmaker[Session], email: str, password: str, ttl_seconds: int,
                now: datetime) -> IssuedToken:
    """Check the password and issue a bearer token; 401 on any mismatch (no user enumeration)."""
    normalised = rules.normalise_email(email)
    with transaction(factory) as session:
        user = session.scalar(select(User).where(User.email == normalised))
        try:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            user = None
        if user is None or not user.active:
            raise Unauthorized("Wrong email or password", headers={"WWW-Authenticate": "Bearer"})
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        token = secrets.token_urlsafe(32)
        expires_at = rules.token_expiry(now, ttl_seconds)
        session.add(ApiToken(token_sha256=rules.token_digest(token), user_id=user.id,
                             created_at=now, expires_at=expires_at))
        return IssuedToken(token, ttl_seconds, expires_at, user_document(user))


def _single_read(factory: sessionmaker[Session]) -> Session:
    """A session for one read that needs no transaction: on PostgreSQL it runs in autocommit,
    saving the BEGIN and ROLLBACK round trips on every authenticated request."""
    bind = factory.kw.get("bind")
    if bind is None or bind.dialect.name != "postgresql":
        return factory()
    reader = _autocommit_engines.get(bind)
    if reader is None:
        reader = _autocommit_engines[bind] = bind.execution_options(isolation_level="AUTOCOMMIT")
    return factory(bind=reader)


def user_for_token(factory: sessionmaker[Session], token: str, now: datetime) -> User | None:
    """The active user behind a usable token, or None (unknown, expired, revoked, disabled)."""
    with _single_read(factory) as session:
        row = session.scalar(select(ApiToken).where(
            ApiToken.token_sha256 == rules.token_digest(token)))
        if row is None or not row.user.active:
            return None
        revoked = as_utc(row.revoked_at) if row.revoked_at else None
        if not rules.token_usable(as_utc(row.expires_at), revoked, now):
            return None
        session.expunge_all()
        return row.user


def revoke_token(factory: sessionmaker[Session], token: str, now: datetime) -> bool:
    """Revoke one token; False if it was unknown or already unusable."""
    with transaction(factory) as session:
        row = session.scalar(select(ApiToken).where(
            ApiToken.token_sha256 == rules.token_digest(token)))
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = now
        return True


def directory_users(factory: sessionmaker[Session], user_ids: list[str]) -> list[User]:
    """The active users among these ids (for the directory assertion)."""
    ids = [u for u in dict.fromkeys(user_ids) if isinstance(u, str)][:200]
    if not ids:
        return []
    with factory() as session:
        users = list(session.scalars(select(User).where(User.id.in_(ids), User.active)))
        session.expunge_all()
        return users
