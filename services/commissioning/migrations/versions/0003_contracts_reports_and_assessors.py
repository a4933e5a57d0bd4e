"""contracts reports and assessors

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contracts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tender_id", sa.String(length=40), nullable=False),
        sa.Column("bid_id", sa.String(length=40), nullable=False),
        sa.Column("buyer_organisation_id", sa.String(length=100), nullable=False),
        sa.Column("buyer_name", sa.String(length=300), nullable=True),
        sa.Column("supplier_organisation_id", sa.String(length=100), nullable=False),
        sa.Column("supplier_name", sa.String(length=300), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tenders.id"], name=op.f("fk_contracts_tender_id_tenders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
        sa.UniqueConstraint("tender_id", name=op.f("uq_contracts_tender_id")),
    )
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contracts_buyer_organisation_id"),
            ["buyer_organisation_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_contracts_supplier_organisation_id"),
            ["supplier_organisation_id"],
            unique=False,
        )

    op.create_table(
        "contract_assessors",
        sa.Column("contract_id", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("lived_experience", sa.Boolean(), nullable=False),
        sa.Column("invited_by", sa.String(length=100), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_assessors_contract_id_contracts"),
        ),
        sa.PrimaryKeyConstraint(
            "contract_id", "user_id", "kind", name=op.f("pk_contract_assessors")
        ),
    )
    op.create_table(
        "metric_reports",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("contract_id", sa.String(length=40), nullable=False),
        sa.Column("metric_id", sa.String(length=20), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("supersedes", sa.String(length=40), nullable=True),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("people_engaged", sa.Integer(), nullable=False),
        sa.Column("people_with_outcome", sa.Integer(), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("submitted_by", sa.String(length=100), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_metric_reports_contract_id_contracts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_reports")),
        sa.UniqueConstraint(
            "contract_id",
            "metric_id",
            "period",
            "version",
            name=op.f("uq_metric_reports_contract_id"),
        ),
    )
    with op.batch_alter_table("metric_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_metric_reports_contract_id"), ["contract_id"], unique=False
        )

    op.create_table(
        "report_entries",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("report_id", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("author_id", sa.String(length=100), nullable=False),
        sa.Column("author_role", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["metric_reports.id"],
            name=op.f("fk_report_entries_report_id_metric_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_entries")),
        sa.UniqueConstraint("report_id", "seq", name=op.f("uq_report_entries_report_id")),
    )
    with op.batch_alter_table("report_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_entries_report_id"), ["report_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("report_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_entries_report_id"))

    op.drop_table("report_entries")
    with op.batch_alter_table("metric_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_metric_reports_contract_id"))

    op.drop_table("metric_reports")
    op.drop_table("contract_assessors")
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contracts_supplier_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_contracts_buyer_organisation_id"))

    op.drop_table("contracts")
