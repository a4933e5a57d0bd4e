"""Users: self-service bidder registration, admin and CLI creation, password checks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.gateway.adapters import passwords, strength
from services.gateway.adapters.tables import Organisation, User
from services.gateway.domain import identity as rules
from services.gateway.service_layer.organisations import (
    flush_unique,
    new_organisation,
    organisation_document,
    organisation_named,
)
from shared.db import transaction
from shared.errors import Conflict, Invalid
from shared.identity import ROLES, Identity

if TYPE_CHECKING:  # the context module builds Flask resources; use cases only need its type
    from services.gateway.context import Context

MAX_DIRECTORY_USERS = 200
REGISTRATION_TAKEN = ("These details cannot be registered: the e-mail address or the "
                      "organisation name is already in use. Sign in, or ask your organisation's "
                      "existing user")  # a panel names a handful; the cap bounds the IN (...) list


def user_document(user: User) -> dict:
    """The public shape of a user (``GET /me``)."""
    org = user.organisation
    return {"id": user.id, "email": user.email, "roles": list(user.roles),
            "organisation": None if org is None else organisation_document(org),
            "lived_experience": user.lived_experience}


def identity_of(user: User, request_id: str | None = None) -> Identity:
    """The identity the gateway asserts to services for this user."""
    org = user.organisation
    return Identity(user_id=user.id, organisation_id=user.organisation_id,
                    roles=tuple(user.roles), lived_experience=user.lived_experience,
                    email=user.email, request_id=request_id,
                    organisation_name=org.name if org else None,
                    organisation_kind=org.kind if org else None)


def check_password(password: str, user_inputs: tuple[str, ...] = (),
                   field: str = "password") -> None:
    """422 naming ``field`` for a password too short, too long or too easy to guess."""
    problems = rules.password_problems(password)
    if not problems:
        weak = strength.weakness(password, user_inputs)
        problems = [weak] if weak else []
    if problems:
        raise Invalid({field: problems})


def _check_email(email: str) -> str:
    normalised = rules.normalise_email(email)
    if not rules.email_is_valid(normalised):
        raise Invalid({"email": ["Not a valid email address."]})
    return normalised


def _new_user(session: Session, email: str, password: str, roles: Iterable[str],
              organisation: Organisation | None, lived_experience: bool,
              now: datetime) -> User:
    email = _check_email(email)
    check_password(password, (email, organisation.name if organisation else ""))
    roles = list(dict.fromkeys(roles))
    if not roles or rules.unknown_roles(roles):
        raise Invalid({"roles": [f"Each role must be one of {', '.join(ROLES)}."]})
    if session.scalar(select(User).where(User.email == email)):
        raise Conflict("A user with this email already exists")
    user = User(email=email, password_hash=passwords.hash_password(password), roles=roles,
                organisation=organisation, lived_experience=lived_experience, active=True,
                created_at=now)
    session.add(user)
    return user


def register_bidder(ctx: Context, email: str, password: str, org_name: str,
                    org_kind: str) -> dict:
    """Self-service registration: a new bidder organisation and its first user."""
    if org_kind not in rules.BIDDER_KINDS:
        raise Invalid({"organisation.kind": [
            f"Must be one of {', '.join(rules.BIDDER_KINDS)}."]})
    now = ctx.clock()
    with transaction(ctx.session_factory) as session:
        # The user's fields before the organisation's: a bad password is a 422 even when the
        # name is taken.
        check_password(password, (_check_email(email), org_name))
        try:
            org = new_organisation(session, org_name, org_kind, now)
            user = _new_user(session, email, password, ["bidder"], org, False, now)
            flush_unique(session)
        except Conflict:
            # One answer whichever is taken, naming neither: anonymous callers must not learn
            # which e-mails have accounts (issue 14).
            raise Conflict(REGISTRATION_TAKEN) from None
        return user_document(user)


def create_user(ctx: Context, email: str, password: str, roles: list[str],
                organisation_id: str | None, lived_experience: bool = False) -> dict:
    """An admin creates a user in an existing organisation."""
    now = ctx.clock()
    with transaction(ctx.session_factory) as session:
        org = None
        if organisation_id is not None:
            org = session.get(Organisation, organisation_id)
            if org is None:
                raise Invalid({"organisation_id": ["No such organisation."]})
        user = _new_user(session, email, password, roles, org, lived_experience, now)
        flush_unique(session)
        return user_document(user)


def create_user_with_org_name(ctx: Context, email: str, password: str, roles: list[str],
                              org_name: str | None, lived_experience: bool = False) -> dict:
    """The CLI's variant: find the organisation by name, creating it if missing."""
    now = ctx.clock()
    with transaction(ctx.session_factory) as session:
        org = None
        if org_name:
            org = organisation_named(session, org_name, rules.default_org_kind(roles), now)
        user = _new_user(session, email, password, roles, org, lived_experience, now)
        flush_unique(session)
        return user_document(user)


def user_with_password(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None; every miss costs a hash."""
    user = session.scalar(select(User).where(User.email == rules.normalise_email(email)))
    matches = passwords.password_matches(user.password_hash if user else None, password)
    if user is None or not matches or not user.active:
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def directory_users(ctx: Context, user_ids: list[str]) -> list[User]:
    """The active users among these ids (for the directory assertion)."""
    ids = [u for u in dict.fromkeys(user_ids) if isinstance(u, str)][:MAX_DIRECTORY_USERS]
    if not ids:
        return []
    with ctx.session_factory() as session:
        users = list(session.scalars(select(User).where(User.id.in_(ids), User.active)))
        session.expunge_all()
        return users
