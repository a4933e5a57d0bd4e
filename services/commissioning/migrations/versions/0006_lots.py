"""lots: a tender's lots and a bid's lot

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lots", sa.JSON(), nullable=True))
    with op.batch_alter_table("bids", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lot_key", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bids", schema=None) as batch_op:
        batch_op.drop_column("lot_key")
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.drop_column("lots")
