"""Forecasts: categories on opportunities, weekly calls and their scores.

Revision ID: d2f4a6b8c0e1
Revises: c7e1f3a5b9d2
Create Date: 2026-12-04 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.rebuild import replace_check

revision: str = "d2f4a6b8c0e1"
down_revision: str | None = "c7e1f3a5b9d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RULES = "'kpi_miss', 'pace', 'week_to_date', 'circuit_breaker', 'stale_key'"
ACTIONS = "action IN ('submitted', 'adjusted')"


def upgrade() -> None:
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "forecast_category", sa.String(length=16), server_default="pipeline", nullable=False
            )
        )
    op.create_table(
        "forecast_category_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("old_category", sa.String(length=16), nullable=False),
        sa.Column("new_category", sa.String(length=16), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "new_category IN ('pipeline', 'best_case', 'commit', 'omitted')",
            name=op.f("ck_forecast_category_change_new_category"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["app_user.id"],
            name=op.f("fk_forecast_category_change_actor_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunity.id"],
            name=op.f("fk_forecast_category_change_opportunity_id_opportunity"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_category_change")),
    )
    with op.batch_alter_table("forecast_category_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_forecast_category_change_opportunity_id"), ["opportunity_id"]
        )

    op.create_table(
        "forecast_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=24), nullable=False),
        sa.Column("owner_unit_id", sa.Integer(), nullable=True),
        sa.Column("owner_rep_id", sa.Integer(), nullable=True),
        sa.Column("owner_key", sa.String(length=32), nullable=False),
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("commit_amount", sa.BigInteger(), nullable=False),
        sa.Column("best_case_amount", sa.BigInteger(), nullable=False),
        sa.Column("rollup_commit", sa.BigInteger(), nullable=True),
        sa.Column("rollup_best_case", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("model_expected", sa.BigInteger(), nullable=True),
        sa.Column("model_source", sa.String(length=16), nullable=True),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("metric IN ('revenue')", name=op.f("ck_forecast_call_metric")),
        sa.CheckConstraint(
            "period_kind IN ('month', 'quarter')", name=op.f("ck_forecast_call_period_kind")
        ),
        sa.CheckConstraint(ACTIONS, name=op.f("ck_forecast_call_action")),
        sa.CheckConstraint("commit_amount >= 0", name=op.f("ck_forecast_call_commit_not_negative")),
        sa.CheckConstraint(
            "best_case_amount >= commit_amount",
            name=op.f("ck_forecast_call_best_case_covers_commit"),
        ),
        sa.CheckConstraint(
            "(owner_unit_id IS NULL) <> (owner_rep_id IS NULL)",
            name=op.f("ck_forecast_call_exactly_one_owner"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["app_user.id"], name=op.f("fk_forecast_call_actor_user_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["owner_rep_id"], ["rep.id"], name=op.f("fk_forecast_call_owner_rep_id_rep")
        ),
        sa.ForeignKeyConstraint(
            ["owner_unit_id"], ["org_unit.id"], name=op.f("fk_forecast_call_owner_unit_id_org_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_call")),
        sa.UniqueConstraint(
            "metric",
            "owner_key",
            "period_kind",
            "period_start",
            "week_start",
            name=op.f("uq_forecast_call_week"),
        ),
    )
    with op.batch_alter_table("forecast_call", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forecast_call_owner_rep_id"), ["owner_rep_id"])
        batch_op.create_index(batch_op.f("ix_forecast_call_owner_unit_id"), ["owner_unit_id"])
        batch_op.create_index(batch_op.f("ix_forecast_call_week_start"), ["week_start"])

    op.create_table(
        "forecast_call_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("commit_amount", sa.BigInteger(), nullable=False),
        sa.Column("best_case_amount", sa.BigInteger(), nullable=False),
        sa.Column("rollup_commit", sa.BigInteger(), nullable=True),
        sa.Column("rollup_best_case", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("model_expected", sa.BigInteger(), nullable=True),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(ACTIONS, name=op.f("ck_forecast_call_version_action")),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["app_user.id"],
            name=op.f("fk_forecast_call_version_actor_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["forecast_call.id"],
            name=op.f("fk_forecast_call_version_call_id_forecast_call"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_call_version")),
        sa.UniqueConstraint(
            "call_id", "version", name=op.f("uq_forecast_call_version_call_id_version")
        ),
    )
    with op.batch_alter_table("forecast_call_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forecast_call_version_call_id"), ["call_id"])

    _alert_rules(f"{RULES}, 'forecast'")


def downgrade() -> None:
    op.execute(
        "DELETE FROM alert_event WHERE alert_id IN (SELECT id FROM alert WHERE rule = 'forecast')"
    )
    op.execute(
        "DELETE FROM alert_task WHERE alert_id IN (SELECT id FROM alert WHERE rule = 'forecast')"
    )
    op.execute("DELETE FROM alert WHERE rule = 'forecast'")
    _alert_rules(RULES)
    with op.batch_alter_table("forecast_call_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forecast_call_version_call_id"))
    op.drop_table("forecast_call_version")
    with op.batch_alter_table("forecast_call", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forecast_call_week_start"))
        batch_op.drop_index(batch_op.f("ix_forecast_call_owner_unit_id"))
        batch_op.drop_index(batch_op.f("ix_forecast_call_owner_rep_id"))
    op.drop_table("forecast_call")
    with op.batch_alter_table("forecast_category_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forecast_category_change_opportunity_id"))
    op.drop_table("forecast_category_change")
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.drop_column("forecast_category")


def _alert_rules(rules: str) -> None:
    """The alert table's rule check admits `rules` (SQLite keeps the rows while it rebuilds)."""
    replace_check("alert", "rule", f"rule IN ({rules})")
