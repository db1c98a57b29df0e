"""Loops from the daily run: dashboard actions, second touch, senior pairing, calibration due.

Alert tasks may now come from a loop instead of an alert (no alert, a once-only subject key,
the numbers behind them) and can be dismissed; a new table pairs a rep on an orange KPI
alert with a senior colleague for the next week.

Revision ID: e3a5b7c9d1f2
Revises: d2f4a6b8c0e1
Create Date: 2026-12-04 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e3a5b7c9d1f2"
down_revision: str | None = "d2f4a6b8c0e1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = ("one_on_one", "review_meeting", "root_cause_meeting")
NEW_KINDS = (
    *OLD_KINDS,
    "follow_up_review",
    "joint_diagnosis",
    "mentoring_audit",
    "service_upgrade",
    "second_touch",
    "calibration_due",
)


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table("alert_task", schema=None) as batch_op:
        batch_op.alter_column("alert_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("subject_key", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("details", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("dismissed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.drop_constraint(op.f("ck_alert_task_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_alert_task_kind"), _in("kind", NEW_KINDS))
        batch_op.create_check_constraint(
            op.f("ck_alert_task_origin"), "alert_id IS NOT NULL OR subject_key IS NOT NULL"
        )
        batch_op.create_check_constraint(
            op.f("ck_alert_task_dismissed_closed"), "NOT dismissed OR completed_at IS NOT NULL"
        )
        batch_op.create_unique_constraint(
            op.f("uq_alert_task_kind_subject_key"), ["kind", "subject_key"]
        )
    op.create_table(
        "mentor_pairing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("mentor_rep_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("kpi", sa.String(length=32), nullable=False),
        sa.Column("dimension", sa.String(length=40), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('paired', 'no_senior')", name=op.f("ck_mentor_pairing_outcome")
        ),
        sa.CheckConstraint(
            "(outcome = 'paired') = (mentor_rep_id IS NOT NULL)",
            name=op.f("ck_mentor_pairing_mentor_when_paired"),
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alert.id"], name=op.f("fk_mentor_pairing_alert_id_alert")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_unit.id"], name=op.f("fk_mentor_pairing_unit_id_org_unit")
        ),
        sa.ForeignKeyConstraint(["rep_id"], ["rep.id"], name=op.f("fk_mentor_pairing_rep_id_rep")),
        sa.ForeignKeyConstraint(
            ["mentor_rep_id"], ["rep.id"], name=op.f("fk_mentor_pairing_mentor_rep_id_rep")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_pairing")),
        sa.UniqueConstraint(
            "mentor_rep_id", "week_start", name=op.f("uq_mentor_pairing_mentor_rep_id_week_start")
        ),
        sa.UniqueConstraint(
            "rep_id", "week_start", name=op.f("uq_mentor_pairing_rep_id_week_start")
        ),
    )
    with op.batch_alter_table("mentor_pairing", schema=None) as batch_op:
        for column in ("alert_id", "unit_id", "rep_id", "mentor_rep_id"):
            batch_op.create_index(batch_op.f(f"ix_mentor_pairing_{column}"), [column], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mentor_pairing", schema=None) as batch_op:
        for column in ("alert_id", "unit_id", "rep_id", "mentor_rep_id"):
            batch_op.drop_index(batch_op.f(f"ix_mentor_pairing_{column}"))
    op.drop_table("mentor_pairing")
    # Loop tasks have no alert: they go with the columns that describe them.
    op.execute("DELETE FROM alert_task WHERE alert_id IS NULL")
    with op.batch_alter_table("alert_task", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_alert_task_kind_subject_key"), type_="unique")
        batch_op.drop_constraint(op.f("ck_alert_task_dismissed_closed"), type_="check")
        batch_op.drop_constraint(op.f("ck_alert_task_origin"), type_="check")
        batch_op.drop_constraint(op.f("ck_alert_task_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_alert_task_kind"), _in("kind", OLD_KINDS))
        batch_op.drop_column("dismissed")
        batch_op.drop_column("details")
        batch_op.drop_column("subject_key")
        batch_op.alter_column("alert_id", existing_type=sa.Integer(), nullable=False)
