"""outbox_blobs: the large parts of an outbox event (a large close's opened bids, in pages),
staged in Redis by the relay so the job carries only their keys

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_blobs",
        sa.Column("job_id", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "key", name=op.f("pk_outbox_blobs")),
    )


def downgrade() -> None:
    op.drop_table("outbox_blobs")
