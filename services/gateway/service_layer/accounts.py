"""Account security: change a password, deactivate a user, revoke all of a user's tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.gateway.adapters import passwords
from services.gateway.adapters.tables import ApiToken, User
from services.gateway.domain import identity as rules
from services.gateway.service_layer.users import check_password, user_document
from shared.db import transaction
from shared.errors import Invalid, NotFound
from shared.schemas import decode_cursor, encode_cursor

if TYPE_CHECKING:  # the context module builds Flask resources; use cases only need its type
    from services.gateway.context import Context


def _revoke_all(session: Session, user_id: str, now, keep_digest: str | None = None) -> int:
    stmt = update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    if keep_digest is not None:
        stmt = stmt.where(ApiToken.token_sha256 != keep_digest)
    return session.execute(stmt.values(revoked_at=now)).rowcount or 0


def change_password(ctx: Context, user_id: str, current_token: str, current: str,
                    new: str) -> dict:
    """Change the caller's own password; every other token of the user stops working (a thief
    holding one is locked out), the token used for the change keeps working."""
    now = ctx.clock()
    with transaction(ctx.session_factory) as session:
        user = session.get(User, user_id)
        if user is None or not passwords.password_matches(user.password_hash, current):
            raise Invalid({"current_password": ["Not your current password."]})
        check_password(new, (user.email, user.organisation.name if user.organisation else ""),
                       field="new_password")
        if passwords.password_matches(user.password_hash, new):
            raise Invalid({"new_password": ["Must differ from the current password."]})
        user.password_hash = passwords.hash_password(new)
        keep = rules.token_digest(current_token)
        revoked = _revoke_all(session, user.id, now, keep)
        # The token used for the change is re-stamped, so it alone outlives the old password.
        session.execute(update(ApiToken).where(ApiToken.token_sha256 == keep).values(
            password_stamp=rules.password_stamp(user.password_hash)))
    ctx.identity_changed(user_id)
    return {"revoked_tokens": revoked}


def _user(session: Session, user_id: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user {user_id}")
    return user


def revoke_user_tokens(ctx: Context, user_id: str) -> dict:
    """An admin revokes every token of a user (a lost laptop, a leaked token)."""
    with transaction(ctx.session_factory) as session:
        user = _user(session, user_id)
        result = {"user_id": user.id, "revoked_tokens": _revoke_all(session, user.id, ctx.clock())}
    ctx.identity_changed(user_id)
    return result


def set_active(ctx: Context, user_id: str, active: bool) -> dict:
    """An admin deactivates (or reactivates) a user; deactivating revokes every token too,
    so reactivating does not bring old tokens back."""
    with transaction(ctx.session_factory) as session:
        user = _user(session, user_id)
        user.active = active
        if not active:
            _revoke_all(session, user.id, ctx.clock())
        result = {**user_document(user), "active": user.active}
    ctx.identity_changed(user_id)
    return result



def _after(cursor: str | None) -> str | None:
    """The last e-mail of the previous page (422 naming ``cursor`` if tampered with)."""
    value = decode_cursor(cursor)
    if value is None:
        return None
    if not isinstance(value.get("e"), str):
        raise Invalid({"cursor": ["Invalid cursor."]})
    return value["e"]


def list_users(ctx: Context, limit: int, cursor: str | None = None) -> dict:
    """Every user, by e-mail address, with its active flag (admin); a page at a time."""
    after = _after(cursor)
    stmt = select(User).order_by(User.email).limit(limit + 1)
    if after is not None:
        stmt = stmt.where(User.email > after)
    with ctx.session_factory() as session:
        rows = list(session.scalars(stmt))
        page = [{**user_document(u), "active": u.active} for u in rows[:limit]]
    more = len(rows) > limit
    return {"items": page,
            "next_cursor": encode_cursor({"e": page[-1]["email"]}) if more else None}
