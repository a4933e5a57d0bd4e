"""documents.question_id: a tender document attached to a published clarification answer

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question_id", sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f("ix_documents_question_id"), ["question_id"])
        batch_op.create_foreign_key(batch_op.f("fk_documents_question_id_questions"),
                                    "questions", ["question_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_documents_question_id_questions"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_documents_question_id"))
        batch_op.drop_column("question_id")
