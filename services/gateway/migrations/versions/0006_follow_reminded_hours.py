"""follows.reminded_hours: the most urgent deadline reminder a follow has had

The reminder tick read every follow with a deadline ahead and queried its users and their
notices again, every tick, though all had been reminded: in a deadline rush that was half a core.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminded_hours", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.drop_column("reminded_hours")
