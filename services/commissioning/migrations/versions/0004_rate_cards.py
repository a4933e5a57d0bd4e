"""rate cards on tenders and contracts, and a tender's library source

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rate_card", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("source", sa.JSON(), nullable=True))
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rate_card", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_column("rate_card")
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.drop_column("source")
        batch_op.drop_column("rate_card")
