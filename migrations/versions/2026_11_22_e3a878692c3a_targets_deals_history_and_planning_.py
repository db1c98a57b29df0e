"""Targets with versions and proposals, deal history, planning inputs, calendar exceptions.

Revision ID: e3a878692c3a
Revises: 75471f9bc4a5
Create Date: 2026-11-22 18:11:33.459387
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e3a878692c3a"
down_revision: str | None = "75471f9bc4a5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "business_coefficient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("multiplier", sa.Float(), nullable=False),
        sa.Column("segment", sa.String(length=40), nullable=True),
        sa.CheckConstraint(
            "end_date >= start_date", name=op.f("ck_business_coefficient_dates_ordered")
        ),
        sa.CheckConstraint(
            "multiplier > 0", name=op.f("ck_business_coefficient_multiplier_positive")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_coefficient")),
    )
    op.create_table(
        "calendar_exception",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_exception")),
    )
    op.create_table(
        "market_potential",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_key", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("value >= 0", name=op.f("ck_market_potential_value_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_potential")),
        sa.UniqueConstraint("owner_key", name=op.f("uq_market_potential_owner_key")),
    )
    op.create_table(
        "deal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("close_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("customer", sa.String(length=200), nullable=False),
        sa.Column("segment", sa.String(length=40), nullable=False),
        sa.Column("product_line", sa.String(length=80), nullable=False),
        sa.Column("high_margin", sa.Boolean(), nullable=False),
        sa.Column("one_off", sa.Boolean(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_deal_amount_not_negative")),
        sa.ForeignKeyConstraint(["rep_id"], ["rep.id"], name=op.f("fk_deal_rep_id_rep")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal")),
        sa.UniqueConstraint("external_id", name=op.f("uq_deal_external_id")),
    )
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deal_close_date"), ["close_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_deal_rep_id"), ["rep_id"], unique=False)

    op.create_table(
        "target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=24), nullable=False),
        sa.Column("owner_unit_id", sa.Integer(), nullable=True),
        sa.Column("owner_rep_id", sa.Integer(), nullable=True),
        sa.Column("owner_key", sa.String(length=32), nullable=False),
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("explanation", sa.JSON(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "metric IN ('revenue', 'collections', 'deals_won', 'new_customers', 'high_margin_share')",
            name=op.f("ck_target_metric"),
        ),
        sa.CheckConstraint(
            "period_kind IN ('year', 'quarter', 'month', 'week')",
            name=op.f("ck_target_period_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'proposed', 'approved', 'locked')", name=op.f("ck_target_status")
        ),
        sa.CheckConstraint(
            "(owner_unit_id IS NULL) <> (owner_rep_id IS NULL)",
            name=op.f("ck_target_exactly_one_owner"),
        ),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_target_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["owner_rep_id"], ["rep.id"], name=op.f("fk_target_owner_rep_id_rep")
        ),
        sa.ForeignKeyConstraint(
            ["owner_unit_id"], ["org_unit.id"], name=op.f("fk_target_owner_unit_id_org_unit")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["target.id"], name=op.f("fk_target_parent_id_target")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target")),
        sa.UniqueConstraint(
            "metric",
            "owner_key",
            "period_kind",
            "period_start",
            name=op.f("uq_target_metric_owner_key_period_kind_period_start"),
        ),
    )
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_target_owner_rep_id"), ["owner_rep_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_target_owner_unit_id"), ["owner_unit_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_target_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "target_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["app_user.id"],
            name=op.f("fk_target_proposal_proposed_by_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["target.id"], name=op.f("fk_target_proposal_target_id_target")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_proposal")),
    )
    with op.batch_alter_table("target_proposal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_target_proposal_target_id"), ["target_id"], unique=False
        )

    op.create_table(
        "target_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("old_amount", sa.BigInteger(), nullable=True),
        sa.Column("new_amount", sa.BigInteger(), nullable=False),
        sa.Column("old_status", sa.String(length=12), nullable=True),
        sa.Column("new_status", sa.String(length=12), nullable=False),
        sa.Column("director_override", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["app_user.id"],
            name=op.f("fk_target_version_actor_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["target.id"], name=op.f("fk_target_version_target_id_target")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_version")),
        sa.UniqueConstraint(
            "target_id", "version", name=op.f("uq_target_version_target_id_version")
        ),
    )
    with op.batch_alter_table("target_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_target_version_target_id"), ["target_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("target_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_target_version_target_id"))

    op.drop_table("target_version")
    with op.batch_alter_table("target_proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_target_proposal_target_id"))

    op.drop_table("target_proposal")
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_target_parent_id"))
        batch_op.drop_index(batch_op.f("ix_target_owner_unit_id"))
        batch_op.drop_index(batch_op.f("ix_target_owner_rep_id"))

    op.drop_table("target")
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deal_rep_id"))
        batch_op.drop_index(batch_op.f("ix_deal_close_date"))

    op.drop_table("deal")
    op.drop_table("market_potential")
    op.drop_table("calendar_exception")
    op.drop_table("business_coefficient")
