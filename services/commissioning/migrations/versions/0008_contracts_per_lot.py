"""contracts per lot: contracts.lot_key, and one contract per awarded bid of a tender (a tender
with lots has one per awarded lot) instead of one per tender

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lot_key", sa.String(length=32), nullable=True))
        batch_op.drop_constraint("uq_contracts_tender_id", type_="unique")
        batch_op.create_unique_constraint("uq_contracts_tender_id", ["tender_id", "bid_id"])


def downgrade() -> None:
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_constraint("uq_contracts_tender_id", type_="unique")
        batch_op.create_unique_constraint("uq_contracts_tender_id", ["tender_id"])
        batch_op.drop_column("lot_key")
