"""Practice sessions with their turns, trainers' verdict overrides, and the cache of the
language model's verdicts.

Revision ID: 4752ab4839e4
Revises: 6b228bc374ac
Create Date: 2026-11-22 23:13:48.010677
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4752ab4839e4"
down_revision: str | None = "6b228bc374ac"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "llm_verdict_cache",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_llm_verdict_cache")),
    )
    op.create_table(
        "practice_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("started_by_user_id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.String(length=64), nullable=False),
        sa.Column("scenario_version", sa.Integer(), nullable=False),
        sa.Column("rubric_hash", sa.String(length=64), nullable=False),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("persona_id", sa.String(length=64), nullable=False),
        sa.Column("difficulty", sa.String(length=8), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("engine", sa.String(length=8), nullable=False),
        sa.Column("model", sa.String(length=120), nullable=True),
        sa.Column("prompt_version", sa.String(length=40), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("turns_taken", sa.Integer(), nullable=False),
        sa.Column("customer_state", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "difficulty IN ('easy', 'normal', 'hard')", name=op.f("ck_practice_session_difficulty")
        ),
        sa.CheckConstraint("engine IN ('rules', 'llm')", name=op.f("ck_practice_session_engine")),
        sa.CheckConstraint("language IN ('zh', 'en')", name=op.f("ck_practice_session_language")),
        sa.CheckConstraint("mode IN ('train', 'exam')", name=op.f("ck_practice_session_mode")),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('agreed', 'declined', 'turn_limit', 'ended')",
            name=op.f("ck_practice_session_outcome"),
        ),
        sa.CheckConstraint(
            "status IN ('active', 'finished')", name=op.f("ck_practice_session_status")
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["rep.id"], name=op.f("fk_practice_session_rep_id_rep")
        ),
        sa.ForeignKeyConstraint(
            ["started_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_practice_session_started_by_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_unit.id"], name=op.f("fk_practice_session_unit_id_org_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_session")),
        sa.UniqueConstraint(
            "rep_id",
            "scenario_id",
            "mode",
            "attempt",
            name=op.f("uq_practice_session_rep_id_scenario_id_mode_attempt"),
        ),
    )
    with op.batch_alter_table("practice_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_session_rep_id"), ["rep_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_practice_session_scenario_id"), ["scenario_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_practice_session_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "practice_turn",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("rep_message", sa.Text(), nullable=True),
        sa.Column("customer_line", sa.Text(), nullable=False),
        sa.Column("verdict", sa.JSON(), nullable=True),
        sa.Column("judge_trace", sa.JSON(), nullable=True),
        sa.Column("customer_trace", sa.JSON(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["practice_session.id"],
            name=op.f("fk_practice_turn_session_id_practice_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_turn")),
        sa.UniqueConstraint(
            "session_id", "number", name=op.f("uq_practice_turn_session_id_number")
        ),
    )
    with op.batch_alter_table("practice_turn", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_practice_turn_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "practice_verdict_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.String(length=64), nullable=False),
        sa.Column("engine_passed", sa.Boolean(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["practice_session.id"],
            name=op.f("fk_practice_verdict_override_session_id_practice_session"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_practice_verdict_override_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_verdict_override")),
    )
    with op.batch_alter_table("practice_verdict_override", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_practice_verdict_override_session_id"), ["session_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("practice_verdict_override", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_verdict_override_session_id"))

    op.drop_table("practice_verdict_override")
    with op.batch_alter_table("practice_turn", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_turn_session_id"))

    op.drop_table("practice_turn")
    with op.batch_alter_table("practice_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_session_unit_id"))
        batch_op.drop_index(batch_op.f("ix_practice_session_scenario_id"))
        batch_op.drop_index(batch_op.f("ix_practice_session_rep_id"))

    op.drop_table("practice_session")
    op.drop_table("llm_verdict_cache")
