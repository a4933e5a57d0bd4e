"""tender search at scale: a (created_at, id) index for keyset pages, and on PostgreSQL trigram
GIN indexes so that the search's ILIKE '%word%' on title and description is an index scan

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_tenders_created_at_id", "tenders", ["created_at", "id"])
    if op.get_bind().dialect.name == "postgresql":
        # pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in ("title", "description"):
            op.execute(f"CREATE INDEX ix_tenders_{column}_trgm ON tenders "
                       f"USING gin ({column} gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for column in ("title", "description"):
            op.execute(f"DROP INDEX IF EXISTS ix_tenders_{column}_trgm")
    op.drop_index("ix_tenders_created_at_id", table_name="tenders")
