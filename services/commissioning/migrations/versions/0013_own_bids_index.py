"""bids: a (tender_id, organisation_id, created_at, id) index, so that a bidder's own bids on a
tender page in one index range scan whatever the tender's and the organisation's other bids

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_bids_tender_org_created_at_id", "bids",
                    ["tender_id", "organisation_id", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_bids_tender_org_created_at_id", table_name="bids")
