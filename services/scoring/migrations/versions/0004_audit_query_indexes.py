"""audit log: (column, seq) indexes for the auditor's filtered, seq-ordered pages

Revision ID: 0004_audit_indexes
Revises: 0003_audit
Create Date: 2026-12-01 18:30:00

Every auditor query filters on one column and pages in ``seq`` order; with an index on the
column alone PostgreSQL either walks the primary key and filters, or fetches and sorts every
match. ``(column, seq)`` answers a page with one index range scan.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004_audit_indexes"
down_revision: str | Sequence[str] | None = "0003_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPLACED = ("tender_id", "bid_id", "actor_id", "evaluator_id", "criterion_key", "event_type")
ADDED = ("object_id",)  # replay looks a run's entries up by object id


# Plain index DDL, not batch mode: on SQLite a batch rebuild would copy the table and lose
# its append-only triggers.
def upgrade() -> None:
    for column in REPLACED:
        op.drop_index(f"ix_audit_entries_{column}", table_name="audit_entries")
    for column in REPLACED + ADDED:
        op.create_index(f"ix_audit_entries_{column}_seq", "audit_entries", [column, "seq"])


def downgrade() -> None:
    for column in REPLACED + ADDED:
        op.drop_index(f"ix_audit_entries_{column}_seq", table_name="audit_entries")
    for column in REPLACED:
        op.create_index(f"ix_audit_entries_{column}", "audit_entries", [column])
