"""api_tokens.password_stamp: a token stops working when its user's password changes

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 22:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: tokens issued before this migration carry no stamp and live out their 8 hours.
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("password_stamp", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("password_stamp")
