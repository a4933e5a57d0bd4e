"""Bearer tokens: sign-in issues one, every API request looks it up, sign-out revokes it."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from sqlalchemy import inspect, select

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
        # A rehash re-stamps the password: tokens issued under the old hash stop working.
        rehashed = inspect(user).attrs.password_hash.history.has_changes()
        token = secrets.token_urlsafe(32)
        expires_at = rules.token_expiry(now, ctx.token_ttl_seconds)
        session.add(ApiToken(token_sha256=rules.token_digest(token), user_id=user.id,
                             created_at=now, expires_at=expires_at,
                             password_stamp=rules.password_stamp(user.password_hash)))
        # The only moment the raw token exists: only its digest is stored.
        issued = {"access_token": token, "token_type": "Bearer",
                  "expires_in": ctx.token_ttl_seconds, "expires_at": rfc3339(expires_at),
                  "user": user_document(user)}
    if rehashed:
        ctx.identity_changed(issued["user"]["id"])
    return issued


def user_for_token(ctx: Context, token: str) -> User | None:
    """The active user behind a usable token, or None (unknown, expired, revoked, disabled).

    A token read before is taken from this process's cache (evicted at once by any
    revocation, see adapters/identity_cache.py); its expiry is still checked every time."""
    digest = rules.token_digest(token)
    cache = ctx.identity_cache
    if cache is not None:
        entry = cache.get(digest)
        if entry is not None:
            return entry.user if rules.token_usable(entry.expires_at, None, ctx.clock()) \
                else None
        generation = cache.generation
    with single_read(ctx.session_factory) as session:
        row = session.scalar(select(ApiToken).where(ApiToken.token_sha256 == digest))
        if row is None or not row.user.active:
            return None
        if row.password_stamp is not None and \
                row.password_stamp != rules.password_stamp(row.user.password_hash):
            return None  # the password changed since this token was issued
        revoked = as_utc(row.revoked_at) if row.revoked_at else None
        expires_at = as_utc(row.expires_at)
        if not rules.token_usable(expires_at, revoked, ctx.clock()):
            return None
        session.expunge_all()
        user = row.user
    if cache is not None:
        cache.put(digest, user, user.id, expires_at, generation)
    return user


def revoke_token(ctx: Context, token: str) -> bool:
    """Revoke one token; False if it was unknown or already revoked."""
    with transaction(ctx.session_factory) as session:
        row = session.scalar(select(ApiToken).where(
            ApiToken.token_sha256 == rules.token_digest(token)))
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = ctx.clock()
        user_id = row.user_id
    ctx.identity_changed(user_id)
    return True
