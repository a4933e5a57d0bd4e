"""Organisations: bidder organisations register themselves, admins create any kind."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.gateway.adapters.tables import Organisation
from services.gateway.domain import identity as rules
from shared.db import transaction
from shared.errors import Conflict, Invalid, NotFound
from shared.identity import Identity

if TYPE_CHECKING:  # the context module builds Flask resources; use cases only need its type
    from services.gateway.context import Context


def organisation_document(org: Organisation) -> dict:
    """The public shape of an organisation."""
    return {"id": org.id, "name": org.name, "kind": org.kind}


def new_organisation(session: Session, name: str, kind: str, now: datetime) -> Organisation:
    """Add an organisation; names are unique ignoring case and runs of whitespace."""
    key = rules.organisation_key(name)
    if not key:
        raise Invalid({"organisation.name": ["Must not be blank."]})
    if session.scalar(select(Organisation).where(Organisation.name_key == key)):
        raise Conflict(f"An organisation named {name!r} already exists")
    org = Organisation(name=" ".join(name.split()), name_key=key, kind=kind, created_at=now)
    session.add(org)
    return org


def organisation_named(session: Session, name: str, kind: str, now: datetime) -> Organisation:
    """The organisation with this name, created with ``kind`` if there is none."""
    key = rules.organisation_key(name)
    org = session.scalar(select(Organisation).where(Organisation.name_key == key))
    return org if org is not None else new_organisation(session, name, kind, now)


def flush_unique(session: Session) -> None:
    """Flush new rows; a concurrent insert that won the race for a unique key is a 409."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("That email or organisation name is already taken") from exc


def create_organisation(ctx: Context, name: str, kind: str) -> dict:
    """An admin creates an organisation (any kind, commissioning bodies included)."""
    if kind not in rules.ORG_KINDS:
        raise Invalid({"kind": [f"Must be one of {', '.join(rules.ORG_KINDS)}."]})
    with transaction(ctx.session_factory) as session:
        org = new_organisation(session, name, kind, ctx.clock())
        flush_unique(session)
        return organisation_document(org)


def get_organisation(ctx: Context, identity: Identity, org_id: str) -> dict:
    """One organisation, for admins and its own members."""
    # "Not yours" and "does not exist" get the same answer, and only members cost a read.
    if not (identity.has_role("admin") or identity.organisation_id == org_id):
        raise NotFound("No such organisation")
    with ctx.session_factory() as session:
        org = session.get(Organisation, org_id)
        if org is None:
            raise NotFound("No such organisation")
        return organisation_document(org)
