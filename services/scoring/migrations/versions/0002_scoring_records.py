"""scoring records: tenders, bids, assessments, panel, scores, runs, awards, outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "failed_jobs",
        sa.Column("job_id", sa.String(length=200), nullable=False),
        sa.Column("queue", sa.String(length=40), nullable=False),
        sa.Column("func_name", sa.String(length=200), nullable=False),
        sa.Column("args", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requeued_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_failed_jobs")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("event_type", sa.String(length=80), nullable=False),
        sa.Column("queue", sa.String(length=40), nullable=False),
        sa.Column("job_name", sa.String(length=200), nullable=False),
        sa.Column("job_id", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("job_id", name=op.f("uq_outbox_job_id")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_sent_at"), ["sent_at"], unique=False)

    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("job", sa.String(length=80), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_processed_events")),
    )
    op.create_table(
        "tenders",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=True),
        sa.Column("owner_user_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.Column("snapshot_sha256", sa.String(length=64), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenders")),
    )
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tenders_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "bids",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("tender_id", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("organisation_name", sa.String(length=300), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("tender_version", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.String(length=40), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tenders.id"], name=op.f("fk_bids_tender_id_tenders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bids")),
    )
    with op.batch_alter_table("bids", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bids_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_bids_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "conflict_statements",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("tender_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tenders.id"], name=op.f("fk_conflict_statements_tender_id_tenders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_statements")),
    )
    with op.batch_alter_table("conflict_statements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_statements_tender_id"), ["tender_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conflict_statements_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "panel_members",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tender_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("lived_experience", sa.Boolean(), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tenders.id"], name=op.f("fk_panel_members_tender_id_tenders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_members")),
        sa.UniqueConstraint(
            "tender_id", "user_id", "role", name=op.f("uq_panel_members_tender_id")
        ),
    )
    with op.batch_alter_table("panel_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_members_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "scoring_runs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("tender_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("model_version", sa.String(length=40), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("input_sha256", sa.String(length=64), nullable=False),
        sa.Column("output", sa.JSON(), nullable=True),
        sa.Column("output_sha256", sa.String(length=64), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("request_id", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tenders.id"], name=op.f("fk_scoring_runs_tender_id_tenders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scoring_runs")),
    )
    with op.batch_alter_table("scoring_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scoring_runs_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "assessments",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("tender_id", sa.String(length=64), nullable=False),
        sa.Column("bid_id", sa.String(length=64), nullable=False),
        sa.Column("snapshot_sha256", sa.String(length=64), nullable=False),
        sa.Column("model_version", sa.String(length=40), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["bid_id"], ["bids.id"], name=op.f("fk_assessments_bid_id_bids")),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tenders.id"], name=op.f("fk_assessments_tender_id_tenders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.UniqueConstraint("bid_id", "snapshot_sha256", name=op.f("uq_assessments_bid_id")),
    )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessments_tender_id"), ["tender_id"], unique=False)

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
        sa.ForeignKeyConstraint(
            ["run_id"], ["scoring_runs.id"], name=op.f("fk_awards_run_id_scoring_runs")
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tenders.id"], name=op.f("fk_awards_tender_id_tenders")
        ),
        sa.PrimaryKeyConstraint("tender_id", name=op.f("pk_awards")),
    )
    op.create_table(
        "conflict_declarations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("statement_id", sa.String(length=64), nullable=False),
        sa.Column("tender_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("bid_id", sa.String(length=64), nullable=True),
        sa.Column("organisation", sa.String(length=300), nullable=True),
        sa.Column("has_conflict", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["conflict_statements.id"],
            name=op.f("fk_conflict_declarations_statement_id_conflict_statements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_declarations")),
    )
    with op.batch_alter_table("conflict_declarations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_declarations_statement_id"), ["statement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conflict_declarations_tender_id"), ["tender_id"], unique=False
        )

    op.create_table(
        "moderations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("tender_id", sa.String(length=64), nullable=False),
        sa.Column("bid_id", sa.String(length=64), nullable=False),
        sa.Column("criterion_key", sa.String(length=40), nullable=False),
        sa.Column("moderator_id", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("individual_scores", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["bid_id"], ["bids.id"], name=op.f("fk_moderations_bid_id_bids")),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tenders.id"], name=op.f("fk_moderations_tender_id_tenders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderations")),
        sa.UniqueConstraint(
            "bid_id", "criterion_key", "revision", name=op.f("uq_moderations_bid_id")
        ),
    )
    with op.batch_alter_table("moderations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moderations_bid_id"), ["bid_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_moderations_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "replays",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("model_version", sa.String(length=40), nullable=False),
        sa.Column("output_sha256", sa.String(length=64), nullable=False),
        sa.Column("matches", sa.Boolean(), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["scoring_runs.id"], name=op.f("fk_replays_run_id_scoring_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replays")),
    )
    with op.batch_alter_table("replays", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_replays_run_id"), ["run_id"], unique=False)

    op.create_table(
        "scores",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("tender_id", sa.String(length=64), nullable=False),
        sa.Column("bid_id", sa.String(length=64), nullable=False),
        sa.Column("criterion_key", sa.String(length=40), nullable=False),
        sa.Column("evaluator_id", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["bid_id"], ["bids.id"], name=op.f("fk_scores_bid_id_bids")),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tenders.id"], name=op.f("fk_scores_tender_id_tenders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scores")),
        sa.UniqueConstraint(
            "bid_id", "criterion_key", "evaluator_id", "revision", name=op.f("uq_scores_bid_id")
        ),
    )
    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scores_bid_id"), ["bid_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scores_evaluator_id"), ["evaluator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scores_tender_id"), ["tender_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scores_tender_id"))
        batch_op.drop_index(batch_op.f("ix_scores_evaluator_id"))
        batch_op.drop_index(batch_op.f("ix_scores_bid_id"))

    op.drop_table("scores")
    with op.batch_alter_table("replays", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replays_run_id"))

    op.drop_table("replays")
    with op.batch_alter_table("moderations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderations_tender_id"))
        batch_op.drop_index(batch_op.f("ix_moderations_bid_id"))

    op.drop_table("moderations")
    with op.batch_alter_table("conflict_declarations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_declarations_tender_id"))
        batch_op.drop_index(batch_op.f("ix_conflict_declarations_statement_id"))

    op.drop_table("conflict_declarations")
    op.drop_table("awards")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessments_tender_id"))

    op.drop_table("assessments")
    with op.batch_alter_table("scoring_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scoring_runs_tender_id"))

    op.drop_table("scoring_runs")
    with op.batch_alter_table("panel_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_members_tender_id"))

    op.drop_table("panel_members")
    with op.batch_alter_table("conflict_statements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_statements_user_id"))
        batch_op.drop_index(batch_op.f("ix_conflict_statements_tender_id"))

    op.drop_table("conflict_statements")
    with op.batch_alter_table("bids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bids_tender_id"))
        batch_op.drop_index(batch_op.f("ix_bids_organisation_id"))

    op.drop_table("bids")
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tenders_organisation_id"))

    op.drop_table("tenders")
    op.drop_table("processed_events")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_sent_at"))

    op.drop_table("outbox")
    op.drop_table("failed_jobs")
