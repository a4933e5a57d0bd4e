"""Scoring and award per lot: scoring_runs.lot_key, and award_decisions (one per tender and
lot: awarded to a bid, or closed unawarded) replacing awards (one per tender)

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
    with op.batch_alter_table("scoring_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lot_key", sa.String(length=64), nullable=True))
    op.create_table(
        "award_decisions",
        sa.Column("tender_id", sa.String(length=64), nullable=False),
        # "" for a tender without lots: a primary key column cannot be NULL
        sa.Column("lot_key", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("bid_id", sa.String(length=64), nullable=True),
        sa.Column("run_id", sa.String(length=64), nullable=True),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.Column("awarded_by", sa.String(length=64), nullable=False),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("standstill_ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["bid_id"], ["bids.id"],
                                name=op.f("fk_award_decisions_bid_id_bids")),
        sa.ForeignKeyConstraint(["run_id"], ["scoring_runs.id"],
                                name=op.f("fk_award_decisions_run_id_scoring_runs")),
        sa.ForeignKeyConstraint(["tender_id"], ["tenders.id"],
                                name=op.f("fk_award_decisions_tender_id_tenders")),
        sa.PrimaryKeyConstraint("tender_id", "lot_key", name=op.f("pk_award_decisions")),
    )
    op.execute("INSERT INTO award_decisions (tender_id, bid_id, run_id, justification, "
               "awarded_by, awarded_at, standstill_ends_at, lot_key, outcome) "
               "SELECT tender_id, bid_id, run_id, justification, awarded_by, awarded_at, "
               "standstill_ends_at, '', 'awarded' FROM awards")
    op.drop_table("awards")


def downgrade() -> None:
    op.create_table(
        "awards",
        sa.Column("tender_id", sa.String(length=64), nullable=False),
        sa.Column("bid_id", sa.String(length=64), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.Column("awarded_by", sa.String(length=64), nullable=False),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("standstill_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["bid_id"], ["bids.id"], name=op.f("fk_awards_bid_id_bids")),
        sa.ForeignKeyConstraint(["run_id"], ["scoring_runs.id"],
                                name=op.f("fk_awards_run_id_scoring_runs")),
        sa.ForeignKeyConstraint(["tender_id"], ["tenders.id"],
                                name=op.f("fk_awards_tender_id_tenders")),
        sa.PrimaryKeyConstraint("tender_id", name=op.f("pk_awards")),
    )
    # only whole-tender awards fit the old table
    op.execute("INSERT INTO awards (tender_id, bid_id, run_id, justification, awarded_by, "
               "awarded_at, standstill_ends_at) "
               "SELECT tender_id, bid_id, run_id, justification, awarded_by, awarded_at, "
               "standstill_ends_at FROM award_decisions "
               "WHERE lot_key = '' AND outcome = 'awarded'")
    op.drop_table("award_decisions")
    with op.batch_alter_table("scoring_runs", schema=None) as batch_op:
        batch_op.drop_column("lot_key")
