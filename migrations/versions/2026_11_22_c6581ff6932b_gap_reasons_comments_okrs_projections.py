"""Gap reasons (seeded with the defaults), gap tags, comments with mentions, OKRs,
recorded projections.

Revision ID: c6581ff6932b
Revises: e3a878692c3a
Create Date: 2026-11-22 18:19:51.157952
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c6581ff6932b"
down_revision: str | None = "e3a878692c3a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


DEFAULT_GAP_REASONS = [
    ("lead_shortage", "线索不足", "Lead shortage"),
    ("quote_delay", "报价延迟", "Quote delay"),
    ("broken_decision_chain", "决策链断裂", "Broken decision chain"),
    ("competitor", "竞品冲击", "Competitor pressure"),
    ("price", "价格异议", "Price objection"),
    ("budget_frozen", "客户预算冻结", "Customer budget frozen"),
    ("delivery", "交付或供货问题", "Delivery or supply issue"),
    ("staffing", "人员空缺或新人爬坡", "Vacancy or new-rep ramp"),
    ("other", "其他", "Other"),
]


def upgrade() -> None:
    gap_reason = op.create_table(
        "gap_reason",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label_zh", sa.String(length=80), nullable=False),
        sa.Column("label_en", sa.String(length=80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_gap_reason")),
    )
    op.bulk_insert(
        gap_reason,
        [
            {"code": code, "label_zh": zh, "label_en": en, "active": True}
            for code, zh, en in DEFAULT_GAP_REASONS
        ],
    )
    op.create_table(
        "gap_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("reason_code", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("tagged_by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reason_code"], ["gap_reason.code"], name=op.f("fk_gap_tag_reason_code_gap_reason")
        ),
        sa.ForeignKeyConstraint(
            ["tagged_by_id"], ["app_user.id"], name=op.f("fk_gap_tag_tagged_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["target.id"], name=op.f("fk_gap_tag_target_id_target")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gap_tag")),
    )
    with op.batch_alter_table("gap_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gap_tag_target_id"), ["target_id"], unique=False)

    op.create_table(
        "objective",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("owner_key", sa.String(length=32), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["app_user.id"], name=op.f("fk_objective_created_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objective")),
    )
    with op.batch_alter_table("objective", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_objective_owner_key"), ["owner_key"], unique=False)

    op.create_table(
        "target_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["app_user.id"], name=op.f("fk_target_comment_author_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["target.id"], name=op.f("fk_target_comment_target_id_target")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_comment")),
    )
    with op.batch_alter_table("target_comment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_target_comment_target_id"), ["target_id"], unique=False
        )

    op.create_table(
        "target_projection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("achieved", sa.BigInteger(), nullable=False),
        sa.Column("projection", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["target_id"], ["target.id"], name=op.f("fk_target_projection_target_id_target")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_projection")),
        sa.UniqueConstraint("target_id", "day", name=op.f("uq_target_projection_target_id_day")),
    )
    with op.batch_alter_table("target_projection", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_target_projection_target_id"), ["target_id"], unique=False
        )

    op.create_table(
        "key_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["objective.id"],
            name=op.f("fk_key_result_objective_id_objective"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["target.id"], name=op.f("fk_key_result_target_id_target")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_result")),
        sa.UniqueConstraint(
            "objective_id", "target_id", name=op.f("uq_key_result_objective_id_target_id")
        ),
    )
    with op.batch_alter_table("key_result", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_key_result_objective_id"), ["objective_id"], unique=False
        )

    op.create_table(
        "target_mention",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["target_comment.id"],
            name=op.f("fk_target_mention_comment_id_target_comment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_target_mention_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("comment_id", "user_id", name=op.f("pk_target_mention")),
    )
    with op.batch_alter_table("target_mention", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_target_mention_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("target_mention", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_target_mention_user_id"))

    op.drop_table("target_mention")
    with op.batch_alter_table("key_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_key_result_objective_id"))

    op.drop_table("key_result")
    with op.batch_alter_table("target_projection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_target_projection_target_id"))

    op.drop_table("target_projection")
    with op.batch_alter_table("target_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_target_comment_target_id"))

    op.drop_table("target_comment")
    with op.batch_alter_table("objective", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objective_owner_key"))

    op.drop_table("objective")
    with op.batch_alter_table("gap_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gap_tag_target_id"))

    op.drop_table("gap_tag")
    op.drop_table("gap_reason")
