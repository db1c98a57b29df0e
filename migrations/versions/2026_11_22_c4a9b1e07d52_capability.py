"""Capability scores with their history and overrides, customer ratings, milestone awards.

Revision ID: c4a9b1e07d52
Revises: 4752ab4839e4
Create Date: 2026-11-22 23:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c4a9b1e07d52"
down_revision: str | None = "4752ab4839e4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "capability_award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("milestone", sa.String(length=64), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("numbers", sa.JSON(), nullable=False),
        sa.Column("awarded_on", sa.Date(), nullable=False),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["rep.id"], name=op.f("fk_capability_award_rep_id_rep")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capability_award")),
    )
    with op.batch_alter_table("capability_award", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_capability_award_rep_id"), ["rep_id"], unique=False)
        batch_op.create_index(
            "uq_capability_award_current",
            ["rep_id", "milestone"],
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )

    op.create_table(
        "capability_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("observations", sa.Integer(), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "source IN ('practice', 'rating', 'deals')", name=op.f("ck_capability_evidence_source")
        ),
        sa.CheckConstraint(
            "observations >= 1", name=op.f("ck_capability_evidence_observations_positive")
        ),
        sa.CheckConstraint(
            "value >= 0 AND value <= 100", name=op.f("ck_capability_evidence_value_range")
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["rep.id"], name=op.f("fk_capability_evidence_rep_id_rep")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capability_evidence")),
        sa.UniqueConstraint(
            "rep_id",
            "source",
            "ref",
            "dimension",
            name=op.f("uq_capability_evidence_rep_id_source_ref_dimension"),
        ),
    )
    with op.batch_alter_table("capability_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_capability_evidence_rep_id"), ["rep_id"], unique=False)

    op.create_table(
        "capability_award_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("milestone", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("numbers", sa.JSON(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('awarded', 'revoked')", name=op.f("ck_capability_award_event_kind")
        ),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["capability_award.id"],
            name=op.f("fk_capability_award_event_award_id_capability_award"),
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["rep.id"], name=op.f("fk_capability_award_event_rep_id_rep")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_capability_award_event_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capability_award_event")),
    )
    with op.batch_alter_table("capability_award_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_capability_award_event_award_id"), ["award_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_capability_award_event_rep_id"), ["rep_id"], unique=False
        )

    op.create_table(
        "capability_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=40), nullable=False),
        sa.Column("computed_score", sa.Float(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("observations", sa.Integer(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("computed_on", sa.Date(), nullable=True),
        sa.Column("override_score", sa.Float(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("override_by_user_id", sa.Integer(), nullable=True),
        sa.Column("override_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "computed_score IS NULL OR (computed_score >= 0 AND computed_score <= 100)",
            name=op.f("ck_capability_score_computed_range"),
        ),
        sa.CheckConstraint(
            "override_score IS NULL OR (override_score >= 0 AND override_score <= 100)",
            name=op.f("ck_capability_score_override_range"),
        ),
        sa.ForeignKeyConstraint(
            ["override_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_capability_score_override_by_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["rep.id"], name=op.f("fk_capability_score_rep_id_rep")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capability_score")),
        sa.UniqueConstraint(
            "rep_id", "dimension", name=op.f("uq_capability_score_rep_id_dimension")
        ),
    )
    with op.batch_alter_table("capability_score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_capability_score_rep_id"), ["rep_id"], unique=False)

    op.create_table(
        "capability_score_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=40), nullable=False),
        sa.Column("cause", sa.String(length=16), nullable=False),
        sa.Column("computed_score", sa.Float(), nullable=True),
        sa.Column("override_score", sa.Float(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "cause IN ('practice', 'rating', 'deals', 'override', 'override_cleared')",
            name=op.f("ck_capability_score_change_cause"),
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["rep.id"], name=op.f("fk_capability_score_change_rep_id_rep")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_capability_score_change_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capability_score_change")),
    )
    with op.batch_alter_table("capability_score_change", schema=None) as batch_op:
        batch_op.create_index(
            "ix_capability_score_change_rep_dimension", ["rep_id", "dimension"], unique=False
        )

    op.create_table(
        "capability_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("follow_up_id", sa.Integer(), nullable=True),
        sa.Column("opportunity_id", sa.Integer(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("rated_on", sa.Date(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(follow_up_id IS NULL) <> (opportunity_id IS NULL)",
            name=op.f("ck_capability_rating_one_subject"),
        ),
        sa.CheckConstraint(
            "rating BETWEEN 1 AND 5", name=op.f("ck_capability_rating_rating_range")
        ),
        sa.ForeignKeyConstraint(
            ["follow_up_id"],
            ["follow_up.id"],
            name=op.f("fk_capability_rating_follow_up_id_follow_up"),
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunity.id"],
            name=op.f("fk_capability_rating_opportunity_id_opportunity"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_capability_rating_recorded_by_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["rep.id"], name=op.f("fk_capability_rating_rep_id_rep")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capability_rating")),
        sa.UniqueConstraint("external_id", name=op.f("uq_capability_rating_external_id")),
    )
    with op.batch_alter_table("capability_rating", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_capability_rating_follow_up_id"), ["follow_up_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_capability_rating_opportunity_id"), ["opportunity_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_capability_rating_rep_id"), ["rep_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("capability_rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capability_rating_rep_id"))
        batch_op.drop_index(batch_op.f("ix_capability_rating_opportunity_id"))
        batch_op.drop_index(batch_op.f("ix_capability_rating_follow_up_id"))

    op.drop_table("capability_rating")
    with op.batch_alter_table("capability_score_change", schema=None) as batch_op:
        batch_op.drop_index("ix_capability_score_change_rep_dimension")

    op.drop_table("capability_score_change")
    with op.batch_alter_table("capability_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capability_score_rep_id"))

    op.drop_table("capability_score")
    with op.batch_alter_table("capability_award_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capability_award_event_rep_id"))
        batch_op.drop_index(batch_op.f("ix_capability_award_event_award_id"))

    op.drop_table("capability_award_event")
    with op.batch_alter_table("capability_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capability_evidence_rep_id"))

    op.drop_table("capability_evidence")
    with op.batch_alter_table("capability_award", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_capability_award_current",
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_capability_award_rep_id"))

    op.drop_table("capability_award")
