"""The SQL :class:`shared.audit.merkle.NodeStore`: one batched SELECT per ``get_nodes``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import and_, func, insert, or_, select, text
from sqlalchemy.orm import Session

from services.scoring.adapters.tables.audit import AuditEntry, AuditNode
from shared.audit.merkle import NewNode, NodeKey

# Arbitrary constant naming the audit log's advisory lock on PostgreSQL.
_APPEND_LOCK = 6_962_9162


class SqlNodeStore:
    """Perfect-subtree hashes in ``audit_nodes``, read in the caller's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get_nodes(self, keys: Sequence[NodeKey]) -> list[bytes]:
        """Return the hashes of ``keys`` in order with one query; ``KeyError`` if one is absent."""
        if not keys:
            return []
        wanted = list(dict.fromkeys(keys))
        clause = or_(*(and_(AuditNode.level == lv, AuditNode.idx == ix) for lv, ix in wanted))
        rows = self.session.execute(
            select(AuditNode.level, AuditNode.idx, AuditNode.hash).where(clause)).all()
        found = {(r.level, r.idx): bytes(r.hash) for r in rows}
        try:
            return [found[k] for k in keys]
        except KeyError as exc:
            raise KeyError(f"audit node {exc.args[0]} is missing") from exc

    def put_nodes(self, nodes: Iterable[NewNode]) -> None:
        """Insert new perfect nodes (insert-only; a clash is an integrity error)."""
        rows = [{"level": lv, "idx": ix, "hash": h} for lv, ix, h in nodes]
        if rows:
            self.session.execute(insert(AuditNode), rows)


def lock_log(session: Session) -> None:
    """Serialise appenders until the transaction ends, so ``seq`` stays gap-free."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _APPEND_LOCK})
    # SQLite: shared.db begins every transaction IMMEDIATE, which already serialises writers.


def log_size(session: Session) -> int:
    """The number of entries committed (or written in this transaction)."""
    top = session.execute(select(func.max(AuditEntry.seq))).scalar()
    return 0 if top is None else int(top) + 1
