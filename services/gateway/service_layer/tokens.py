"""Bearer tokens: sign-in issues one, every API request looks it up, sign-out revokes it."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from sqlalchemy import select

from services.gateway.adapters.sessions import single_read
from services.gateway.adapters.tables import ApiToken, User
from services.gateway.domain import identity as rules
from services.gateway.service_layer.users import user_document, user_with_password
from shared.db import transaction
from shared.errors import Unauthorized
from shared.time import as_utc, rfc3339

if TYPE_CHECKING:  # the context module builds Flask resources; use cases only need its type
    from services.gateway.context import Context


def issue_token(ctx: Context, email: str, password: str) -> dict:
    """Check the password and issue a bearer token; 401 on any mismatch (no user enumeration)."""
    now = ctx.clock()
    with transaction(ctx.session_factory) as session:
        user = user_with_password(session, email, password)
        if user is None:
            raise Unauthorized("Wrong email or password", headers={"WWW-Authenticate": "Bearer"})
        token = secrets.token_urlsafe(32)
        expires_at = rules.token_expiry(now, ctx.token_ttl_seconds)
        session.add(ApiToken(token_sha256=rules.token_digest(token), user_id=user.id,
                             created_at=now, expires_at=expires_at,
                             password_stamp=rules.password_stamp(user.password_hash)))
        # The only moment the raw token exists: only its digest is stored.
        return {"access_token": token, "token_type": "Bearer",
                "expires_in": ctx.token_ttl_seconds, "expires_at": rfc3339(expires_at),
                "user": user_document(user)}


def user_for_token(ctx: Context, token: str) -> User | None:
    """The active user behind a usable token, or None (unknown, expired, revoked, disabled)."""
    with single_read(ctx.session_factory) as session:
        row = session.scalar(select(ApiToken).where(
            ApiToken.token_sha256 == rules.token_digest(token)))
        if row is None or not row.user.active:
            return None
        if row.password_stamp is not None and \
                row.password_stamp != rules.password_stamp(row.user.password_hash):
            return None  # the password changed since this token was issued
        revoked = as_utc(row.revoked_at) if row.revoked_at else None
        if not rules.token_usable(as_utc(row.expires_at), revoked, ctx.clock()):
            return None
        session.expunge_all()
        return row.user


def revoke_token(ctx: Context, token: str) -> bool:
    """Revoke one token; False if it was unknown or already revoked."""
    with transaction(ctx.session_factory) as session:
        row = session.scalar(select(ApiToken).where(
            ApiToken.token_sha256 == rules.token_digest(token)))
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = ctx.clock()
        return True
