"""Pipeline: accounts, opportunities with the stage machine in CHECK constraints, stage and
owner history; loss reasons and customer statuses seeded with the defaults.

Revision ID: 98649a6551e7
Revises: 34c984536a3a
Create Date: 2026-11-22 19:01:45.294311
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "98649a6551e7"
down_revision: str | None = "34c984536a3a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


LOSS_REASONS = [
    ("price", "价格", "Price"),
    ("competitor", "输给竞品", "Lost to a competitor"),
    ("no_budget", "没有预算", "No budget"),
    ("timing", "时机不对", "Timing"),
    ("no_decision", "客户未决策", "No decision"),
    ("product_fit", "产品不匹配", "Product fit"),
    ("other", "其他", "Other"),
]
CUSTOMER_STATUSES = [
    ("engaged", "积极沟通", "Engaged", "generic"),
    ("evaluating", "评估中", "Evaluating", "generic"),
    ("comparing_competitors", "对比竞品", "Comparing competitors", "generic"),
    ("budget_pending", "预算待批", "Budget pending", "generic"),
    ("verbal_commit", "口头承诺", "Verbal commit", "generic"),
    ("unresponsive", "无回应", "Unresponsive", "generic"),
    ("nev_test_driven", "已试驾", "Test-driven", "nev"),
    ("nev_quoted", "已报价", "Quoted", "nev"),
    ("nev_finance_pre_approved", "金融预审通过", "Finance pre-approved", "nev"),
    ("nev_trade_in_valued", "旧车已评估", "Trade-in valued", "nev"),
    ("nev_awaiting_delivery_date", "等待交付排期", "Awaiting delivery date", "nev"),
]


def upgrade() -> None:
    customer_status = op.create_table(
        "customer_status",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label_zh", sa.String(length=80), nullable=False),
        sa.Column("label_en", sa.String(length=80), nullable=False),
        sa.Column("pack", sa.String(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_customer_status")),
    )
    op.bulk_insert(
        customer_status,
        [
            {"code": c, "label_zh": zh, "label_en": en, "pack": pack, "active": True}
            for c, zh, en, pack in CUSTOMER_STATUSES
        ],
    )
    loss_reason = op.create_table(
        "loss_reason",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label_zh", sa.String(length=80), nullable=False),
        sa.Column("label_en", sa.String(length=80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_loss_reason")),
    )
    op.bulk_insert(
        loss_reason,
        [{"code": c, "label_zh": zh, "label_en": en, "active": True} for c, zh, en in LOSS_REASONS],
    )
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("segment", sa.String(length=40), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=True),
        sa.Column("high_value", sa.Boolean(), nullable=False),
        sa.Column("owner_rep_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_rep_id"], ["rep.id"], name=op.f("fk_account_owner_rep_id_rep")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
    )
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_owner_rep_id"), ["owner_rep_id"], unique=False)

    op.create_table(
        "opportunity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("owner_rep_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("expected_close", sa.Date(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("stage_entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("qualification", sa.JSON(), nullable=False),
        sa.Column("source_lead", sa.String(length=64), nullable=True),
        sa.Column("won_amount", sa.BigInteger(), nullable=True),
        sa.Column("won_on", sa.Date(), nullable=True),
        sa.Column("loss_reason_code", sa.String(length=40), nullable=True),
        sa.Column("loss_note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(stage = 'lost') = (loss_reason_code IS NOT NULL)",
            name=op.f("ck_opportunity_lost_has_reason"),
        ),
        sa.CheckConstraint(
            "(stage = 'won') = (won_amount IS NOT NULL AND won_amount > 0 AND won_on IS NOT NULL)",
            name=op.f("ck_opportunity_won_has_amount_and_date"),
        ),
        sa.CheckConstraint(
            "stage IN ('lead', 'contacted', 'qualified', 'proposal', 'quoted', 'negotiation', 'won', 'lost')",
            name=op.f("ck_opportunity_stage"),
        ),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_opportunity_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_opportunity_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["loss_reason_code"],
            ["loss_reason.code"],
            name=op.f("fk_opportunity_loss_reason_code_loss_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_rep_id"], ["rep.id"], name=op.f("fk_opportunity_owner_rep_id_rep")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity")),
    )
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_opportunity_account_id"), ["account_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_opportunity_owner_rep_id"), ["owner_rep_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_opportunity_stage"), ["stage"], unique=False)

    op.create_table(
        "opportunity_co_owner",
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunity.id"],
            name=op.f("fk_opportunity_co_owner_opportunity_id_opportunity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["rep.id"], name=op.f("fk_opportunity_co_owner_rep_id_rep")
        ),
        sa.PrimaryKeyConstraint("opportunity_id", "rep_id", name=op.f("pk_opportunity_co_owner")),
    )
    with op.batch_alter_table("opportunity_co_owner", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opportunity_co_owner_rep_id"), ["rep_id"], unique=False
        )

    op.create_table(
        "opportunity_owner_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("from_rep_id", sa.Integer(), nullable=False),
        sa.Column("to_rep_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["app_user.id"],
            name=op.f("fk_opportunity_owner_change_actor_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["from_rep_id"], ["rep.id"], name=op.f("fk_opportunity_owner_change_from_rep_id_rep")
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunity.id"],
            name=op.f("fk_opportunity_owner_change_opportunity_id_opportunity"),
        ),
        sa.ForeignKeyConstraint(
            ["to_rep_id"], ["rep.id"], name=op.f("fk_opportunity_owner_change_to_rep_id_rep")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity_owner_change")),
    )
    with op.batch_alter_table("opportunity_owner_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opportunity_owner_change_opportunity_id"),
            ["opportunity_id"],
            unique=False,
        )

    op.create_table(
        "stage_transition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("from_stage", sa.String(length=16), nullable=True),
        sa.Column("to_stage", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("seconds_in_previous", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "(from_stage IS NULL AND to_stage = 'lead') OR (from_stage = 'contacted' AND to_stage = 'lead') OR (from_stage = 'contacted' AND to_stage = 'lost') OR (from_stage = 'contacted' AND to_stage = 'negotiation') OR (from_stage = 'contacted' AND to_stage = 'proposal') OR (from_stage = 'contacted' AND to_stage = 'qualified') OR (from_stage = 'contacted' AND to_stage = 'quoted') OR (from_stage = 'lead' AND to_stage = 'contacted') OR (from_stage = 'lead' AND to_stage = 'lost') OR (from_stage = 'lead' AND to_stage = 'negotiation') OR (from_stage = 'lead' AND to_stage = 'proposal') OR (from_stage = 'lead' AND to_stage = 'qualified') OR (from_stage = 'lead' AND to_stage = 'quoted') OR (from_stage = 'lost' AND to_stage = 'contacted') OR (from_stage = 'lost' AND to_stage = 'lead') OR (from_stage = 'lost' AND to_stage = 'negotiation') OR (from_stage = 'lost' AND to_stage = 'proposal') OR (from_stage = 'lost' AND to_stage = 'qualified') OR (from_stage = 'lost' AND to_stage = 'quoted') OR (from_stage = 'negotiation' AND to_stage = 'lost') OR (from_stage = 'negotiation' AND to_stage = 'quoted') OR (from_stage = 'negotiation' AND to_stage = 'won') OR (from_stage = 'proposal' AND to_stage = 'lost') OR (from_stage = 'proposal' AND to_stage = 'negotiation') OR (from_stage = 'proposal' AND to_stage = 'qualified') OR (from_stage = 'proposal' AND to_stage = 'quoted') OR (from_stage = 'qualified' AND to_stage = 'contacted') OR (from_stage = 'qualified' AND to_stage = 'lost') OR (from_stage = 'qualified' AND to_stage = 'negotiation') OR (from_stage = 'qualified' AND to_stage = 'proposal') OR (from_stage = 'qualified' AND to_stage = 'quoted') OR (from_stage = 'quoted' AND to_stage = 'lost') OR (from_stage = 'quoted' AND to_stage = 'negotiation') OR (from_stage = 'quoted' AND to_stage = 'proposal') OR (from_stage = 'won' AND to_stage = 'contacted') OR (from_stage = 'won' AND to_stage = 'lead') OR (from_stage = 'won' AND to_stage = 'negotiation') OR (from_stage = 'won' AND to_stage = 'proposal') OR (from_stage = 'won' AND to_stage = 'qualified') OR (from_stage = 'won' AND to_stage = 'quoted')",
            name=op.f("ck_stage_transition_legal_move"),
        ),
        sa.CheckConstraint(
            "to_stage IN ('lead', 'contacted', 'qualified', 'proposal', 'quoted', 'negotiation', 'won', 'lost')",
            name=op.f("ck_stage_transition_to_stage"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["app_user.id"],
            name=op.f("fk_stage_transition_actor_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunity.id"],
            name=op.f("fk_stage_transition_opportunity_id_opportunity"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_transition")),
    )
    with op.batch_alter_table("stage_transition", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stage_transition_opportunity_id"), ["opportunity_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("stage_transition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stage_transition_opportunity_id"))

    op.drop_table("stage_transition")
    with op.batch_alter_table("opportunity_owner_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunity_owner_change_opportunity_id"))

    op.drop_table("opportunity_owner_change")
    with op.batch_alter_table("opportunity_co_owner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunity_co_owner_rep_id"))

    op.drop_table("opportunity_co_owner")
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunity_stage"))
        batch_op.drop_index(batch_op.f("ix_opportunity_owner_rep_id"))
        batch_op.drop_index(batch_op.f("ix_opportunity_account_id"))

    op.drop_table("opportunity")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_owner_rep_id"))

    op.drop_table("account")
    op.drop_table("loss_reason")
    op.drop_table("customer_status")
