"""Signed tree heads (Ed25519, C2SP checkpoint body): at milestones, periodically, on request.

See docs/architecture.md, "Signed tree heads".
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from services.scoring.adapters.audit_store import SqlNodeStore, lock_log, log_size
from services.scoring.adapters.tables.audit import AuditTreeHead
from shared.audit import checkpoint
from shared.audit.merkle import root
from shared.config import secret
from shared.db import transaction
from shared.time import rfc3339

if TYPE_CHECKING:
    from services.scoring.context import Context

ON_REQUEST = "on_request"
PERIODIC = "periodic"
# session.info key: the seed a transaction's milestone heads are signed with (see uow.py).
SIGNING_SEED = "audit_signing_seed"


def signing_seed(configured: str | None) -> str:
    """The base64 Ed25519 seed: the configured ``AUDIT_SIGNING_KEY``, else the secret."""
    return str(configured) if configured else secret("AUDIT_SIGNING_KEY")


@lru_cache(maxsize=4)
def _load(seed_b64: str) -> Ed25519PrivateKey:
    return checkpoint.load_private_key(seed_b64)


def private_key(seed: str | None) -> Ed25519PrivateKey:
    """The private key tree heads are signed with (``seed`` None: the configured secret)."""
    return _load(signing_seed(seed))


def public_key_document(ctx: Context) -> dict[str, str]:
    """``GET /audit/public-key``: ``{key_id, algorithm, public_key}``."""
    return checkpoint.public_key_document(private_key(ctx.signing_key).public_key())


def head_document(row: AuditTreeHead) -> dict[str, Any]:
    """The API shape of a stored tree head (``milestone`` is an extra field)."""
    return {"tree_size": row.tree_size, "root_hash": row.root_hash,
            "timestamp": rfc3339(row.timestamp), "key_id": row.key_id,
            "checkpoint": row.checkpoint, "signature": row.signature,
            "milestone": row.milestone}


def publish_tree_head(session: Session, milestone: str, *, now: datetime,
                      seed: str | None) -> dict[str, Any]:
    """Sign and store a head over the whole log as the caller's transaction sees it."""
    size = log_size(session)
    doc = checkpoint.tree_head(private_key(seed), size, root(SqlNodeStore(session), size),
                               rfc3339(now))
    session.execute(insert(AuditTreeHead).values(
        tree_size=size, root_hash=doc["root_hash"], timestamp=now, key_id=doc["key_id"],
        checkpoint=doc["checkpoint"], signature=doc["signature"], milestone=milestone))
    return {**doc, "milestone": milestone}


def current_tree_head(ctx: Context) -> dict[str, Any]:
    """The latest head covering the current size under the current key; sign one if none."""
    with transaction(ctx.session_factory) as session:
        size = log_size(session)
        key_id = checkpoint.key_id(private_key(ctx.signing_key).public_key())
        row = session.scalars(select(AuditTreeHead).where(
            AuditTreeHead.tree_size == size, AuditTreeHead.key_id == key_id)
            .order_by(AuditTreeHead.id.desc()).limit(1)).first()
        if row is not None:
            return head_document(row)
        return publish_tree_head(session, ON_REQUEST, now=ctx.clock(), seed=ctx.signing_key)


def tree_heads(ctx: Context, limit: int = 50) -> list[dict[str, Any]]:
    """The most recent published heads, newest first (milestones included)."""
    with ctx.session_factory() as session:
        rows = session.scalars(select(AuditTreeHead).order_by(AuditTreeHead.id.desc())
                               .limit(limit)).all()
        return [head_document(r) for r in rows]


def publish_periodic_head(ctx: Context) -> bool:
    """Sign a ``periodic`` head if the log has grown past the latest head; False if not."""
    with transaction(ctx.session_factory) as session:
        lock_log(session)  # one head per size, even with two schedulers
        size = log_size(session)
        latest = session.scalars(select(AuditTreeHead.tree_size)
                                 .order_by(AuditTreeHead.id.desc()).limit(1)).first()
        if latest is not None and latest >= size:
            return False
        publish_tree_head(session, PERIODIC, now=ctx.clock(), seed=ctx.signing_key)
        return True
