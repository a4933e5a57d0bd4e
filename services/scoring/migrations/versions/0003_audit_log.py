"""audit log: entries, payloads, Merkle nodes, signed tree heads; append-only triggers

Revision ID: 0003_audit
Revises: 0002
Create Date: 2026-11-23 14:13:07.703913
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_audit"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Rows of these tables are never updated or deleted (docs/architecture.md, "Append-only
# storage"). The runtime role should also lack UPDATE/DELETE/TRUNCATE on them (docs/deploy.md).
GUARDED = ("audit_entries", "audit_payloads", "audit_nodes", "audit_tree_heads")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only: % on % rejected', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def _install_guards() -> None:
    """Reject UPDATE and DELETE on the audit tables, per dialect."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table in GUARDED:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION audit_reject_change()"
            )
        return
    # SQLite has no TRUNCATE (which skips row triggers on PostgreSQL), so a test wipe opens the
    # audit_maintenance latch inside its own transaction; UPDATE is rejected regardless.
    for table in GUARDED:
        op.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN "
            f"SELECT RAISE(ABORT, 'audit log is append-only: UPDATE on {table} rejected'); "
            "END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "  # noqa: S608
            "WHEN (SELECT unlocked FROM audit_maintenance WHERE id = 1) IS NOT 1 BEGIN "
            f"SELECT RAISE(ABORT, 'audit log is append-only: DELETE on {table} rejected'); "
            "END"
        )


def _remove_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in GUARDED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS audit_reject_change()")
        return
    for table in GUARDED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("event_type", sa.String(length=60), nullable=False),
        sa.Column("tender_id", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=False),
        sa.Column("bid_id", sa.String(length=64), nullable=True),
        sa.Column("criterion_key", sa.String(length=40), nullable=True),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("actor_role", sa.String(length=40), nullable=False),
        sa.Column("evaluator_id", sa.String(length=64), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("leaf_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_entries")),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entries_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entries_bid_id"), ["bid_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_entries_criterion_key"), ["criterion_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audit_entries_evaluator_id"), ["evaluator_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audit_entries_event_type"), ["event_type"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audit_entries_occurred_at"), ["occurred_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_entries_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "audit_nodes",
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name=op.f("pk_audit_nodes")),
    )
    op.create_table(
        "audit_payloads",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("withheld", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_payloads")),
    )
    op.create_table(
        "audit_tree_heads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tree_size", sa.Integer(), nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("checkpoint", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(length=100), nullable=False),
        sa.Column("milestone", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_tree_heads")),
    )
    with op.batch_alter_table("audit_tree_heads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_tree_heads_tree_size"), ["tree_size"], unique=False
        )

    op.create_table(
        "audit_maintenance",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("unlocked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_maintenance")),
    )
    op.execute("INSERT INTO audit_maintenance (id, unlocked) VALUES (1, false)")
    _install_guards()


def downgrade() -> None:
    _remove_guards()
    op.drop_table("audit_maintenance")
    with op.batch_alter_table("audit_tree_heads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_tree_heads_tree_size"))

    op.drop_table("audit_tree_heads")
    op.drop_table("audit_payloads")
    op.drop_table("audit_nodes")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entries_tender_id"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_event_type"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_evaluator_id"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_criterion_key"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_bid_id"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_actor_id"))

    op.drop_table("audit_entries")
