"""The transaction of one use case, opened from its context."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from services.scoring.service_layer.tree_heads import SIGNING_SEED
from shared.db import transaction

if TYPE_CHECKING:
    from services.scoring.context import Context


@contextmanager
def unit_of_work(ctx: Context) -> Iterator[Session]:
    """A session that commits on success and rolls back on error.

    The milestone tree head signed at its commit (adapters/audit_log.py runs in a session
    hook, where no context reaches) uses the context's signing key.
    """
    with transaction(ctx.session_factory) as session:
        session.info[SIGNING_SEED] = ctx.signing_key
        yield session
