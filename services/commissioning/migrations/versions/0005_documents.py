"""documents

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('document_blocks',
    sa.Column('blob_key', sa.String(length=100), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('blob_key', 'seq', name=op.f('pk_document_blocks'))
    )
    op.create_table('documents',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('tender_id', sa.String(length=40), nullable=False),
    sa.Column('bid_id', sa.String(length=40), nullable=True),
    sa.Column('organisation_id', sa.String(length=100), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('blocks', sa.Integer(), nullable=False),
    sa.Column('price_schedule', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('supersedes', sa.String(length=40), nullable=True),
    sa.Column('superseded_by', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('tender_version', sa.Integer(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=100), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_documents_bid_id_bids')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'],
                            name=op.f('fk_documents_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_bid_id'), ['bid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_tender_id'), ['tender_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_tender_id'))
        batch_op.drop_index(batch_op.f('ix_documents_bid_id'))

    op.drop_table('documents')
    op.drop_table('document_blocks')

