"""Alerts with their history, tasks and diagnoses; weekly calibration reviews;
notification subscriptions, the outbox and deliveries; customer-initiated follow-ups.

Revision ID: 6b228bc374ac
Revises: 4f6a0ba347b2
Create Date: 2026-11-22 20:33:20.789997
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6b228bc374ac"
down_revision: str | None = "4f6a0ba347b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alert_run",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_alert_run")),
    )
    op.create_table(
        "outbox_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_unit.id"], name=op.f("fk_outbox_event_unit_id_org_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_event")),
    )
    with op.batch_alter_table("outbox_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_event_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "notification_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("min_severity", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("destination", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "channel IN ('webhook', 'dingtalk', 'wecom', 'email')",
            name=op.f("ck_notification_subscription_channel"),
        ),
        sa.CheckConstraint(
            "min_severity IN ('yellow', 'orange', 'red')",
            name=op.f("ck_notification_subscription_min_severity"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_notification_subscription_created_by_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_unit.id"], name=op.f("fk_notification_subscription_unit_id_org_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_subscription")),
    )
    with op.batch_alter_table("notification_subscription", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notification_subscription_unit_id"), ["unit_id"], unique=False
        )

    op.create_table(
        "weekly_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_weekly_review_created_by_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_unit.id"], name=op.f("fk_weekly_review_unit_id_org_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_review")),
        sa.UniqueConstraint(
            "unit_id", "week_start", name=op.f("uq_weekly_review_unit_id_week_start")
        ),
    )
    with op.batch_alter_table("weekly_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_weekly_review_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=24), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("subject_key", sa.String(length=80), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=True),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("opportunity_id", sa.Integer(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("condition_seen_on", sa.Date(), nullable=False),
        sa.Column("assignee_user_id", sa.Integer(), nullable=True),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("resolution_reason", sa.Text(), nullable=True),
        sa.Column("resolved_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "rule IN ('kpi_miss', 'pace', 'week_to_date', 'circuit_breaker', 'stale_key')",
            name=op.f("ck_alert_rule"),
        ),
        sa.CheckConstraint(
            "severity IN ('yellow', 'orange', 'red')", name=op.f("ck_alert_severity")
        ),
        sa.CheckConstraint(
            "status IN ('open', 'acknowledged', 'resolved')", name=op.f("ck_alert_status")
        ),
        sa.ForeignKeyConstraint(
            ["assignee_user_id"], ["app_user.id"], name=op.f("fk_alert_assignee_user_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"], ["opportunity.id"], name=op.f("fk_alert_opportunity_id_opportunity")
        ),
        sa.ForeignKeyConstraint(["rep_id"], ["rep.id"], name=op.f("fk_alert_rep_id_rep")),
        sa.ForeignKeyConstraint(
            ["resolved_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_alert_resolved_by_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["target.id"], name=op.f("fk_alert_target_id_target")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_unit.id"], name=op.f("fk_alert_unit_id_org_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alert_assignee_user_id"), ["assignee_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_alert_opportunity_id"), ["opportunity_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_alert_rep_id"), ["rep_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_severity"), ["severity"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_target_id"), ["target_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(
            "uq_alert_open_series",
            ["rule", "subject_key"],
            unique=True,
            sqlite_where=sa.text("status <> 'resolved'"),
            postgresql_where=sa.text("status <> 'resolved'"),
        )

    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_by", sa.String(length=80), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'delivered', 'dead')", name=op.f("ck_delivery_status")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["outbox_event.id"], name=op.f("fk_delivery_event_id_outbox_event")
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["notification_subscription.id"],
            name=op.f("fk_delivery_subscription_id_notification_subscription"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery")),
        sa.UniqueConstraint(
            "event_id", "subscription_id", name=op.f("uq_delivery_event_id_subscription_id")
        ),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_delivery_idempotency_key")),
    )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_index("ix_delivery_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_delivery_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_delivery_subscription_id"), ["subscription_id"], unique=False
        )

    op.create_table(
        "review_anomaly",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("rep_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_review_anomaly_created_by_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(["rep_id"], ["rep.id"], name=op.f("fk_review_anomaly_rep_id_rep")),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["weekly_review.id"],
            name=op.f("fk_review_anomaly_review_id_weekly_review"),
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["target.id"], name=op.f("fk_review_anomaly_target_id_target")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_anomaly")),
    )
    with op.batch_alter_table("review_anomaly", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_anomaly_review_id"), ["review_id"], unique=False
        )

    op.create_table(
        "review_key_customer",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("confirmed_by_user_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_review_key_customer_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_review_key_customer_confirmed_by_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["weekly_review.id"],
            name=op.f("fk_review_key_customer_review_id_weekly_review"),
        ),
        sa.PrimaryKeyConstraint("review_id", "account_id", name=op.f("pk_review_key_customer")),
    )
    op.create_table(
        "review_suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("proposed_amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'rejected')",
            name=op.f("ck_review_suggestion_status"),
        ),
        sa.CheckConstraint(
            "proposed_amount >= 0", name=op.f("ck_review_suggestion_amount_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_review_suggestion_created_by_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_review_suggestion_decided_by_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["weekly_review.id"],
            name=op.f("fk_review_suggestion_review_id_weekly_review"),
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["target.id"], name=op.f("fk_review_suggestion_target_id_target")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_suggestion")),
    )
    with op.batch_alter_table("review_suggestion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_suggestion_review_id"), ["review_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_review_suggestion_target_id"), ["target_id"], unique=False
        )

    op.create_table(
        "alert_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('raised', 'escalated', 'acknowledged', 'assigned', 'commented', 'resolved')",
            name=op.f("ck_alert_event_kind"),
        ),
        sa.CheckConstraint(
            "severity IN ('yellow', 'orange', 'red')", name=op.f("ck_alert_event_severity")
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alert.id"], name=op.f("fk_alert_event_alert_id_alert")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_alert_event_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_event")),
    )
    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_event_alert_id"), ["alert_id"], unique=False)

    op.create_table(
        "alert_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=True),
        sa.Column("assignee_user_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('one_on_one', 'review_meeting', 'root_cause_meeting')",
            name=op.f("ck_alert_task_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alert.id"], name=op.f("fk_alert_task_alert_id_alert")
        ),
        sa.ForeignKeyConstraint(
            ["assignee_user_id"],
            ["app_user.id"],
            name=op.f("fk_alert_task_assignee_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["completed_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_alert_task_completed_by_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(["rep_id"], ["rep.id"], name=op.f("fk_alert_task_rep_id_rep")),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_unit.id"], name=op.f("fk_alert_task_unit_id_org_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_task")),
        sa.UniqueConstraint("alert_id", "kind", name=op.f("uq_alert_task_alert_id_kind")),
    )
    with op.batch_alter_table("alert_task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_task_alert_id"), ["alert_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_alert_task_assignee_user_id"), ["assignee_user_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_alert_task_rep_id"), ["rep_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_task_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "health_diagnosis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alert.id"], name=op.f("fk_health_diagnosis_alert_id_alert")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_unit.id"], name=op.f("fk_health_diagnosis_unit_id_org_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_diagnosis")),
        sa.UniqueConstraint(
            "unit_id", "week_start", name=op.f("uq_health_diagnosis_unit_id_week_start")
        ),
    )
    with op.batch_alter_table("health_diagnosis", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_health_diagnosis_alert_id"), ["alert_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_health_diagnosis_unit_id"), ["unit_id"], unique=False)

    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("customer_initiated", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.drop_column("customer_initiated")

    with op.batch_alter_table("health_diagnosis", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_health_diagnosis_unit_id"))
        batch_op.drop_index(batch_op.f("ix_health_diagnosis_alert_id"))

    op.drop_table("health_diagnosis")
    with op.batch_alter_table("alert_task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_task_unit_id"))
        batch_op.drop_index(batch_op.f("ix_alert_task_rep_id"))
        batch_op.drop_index(batch_op.f("ix_alert_task_assignee_user_id"))
        batch_op.drop_index(batch_op.f("ix_alert_task_alert_id"))

    op.drop_table("alert_task")
    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_event_alert_id"))

    op.drop_table("alert_event")
    with op.batch_alter_table("review_suggestion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_suggestion_target_id"))
        batch_op.drop_index(batch_op.f("ix_review_suggestion_review_id"))

    op.drop_table("review_suggestion")
    op.drop_table("review_key_customer")
    with op.batch_alter_table("review_anomaly", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_anomaly_review_id"))

    op.drop_table("review_anomaly")
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_subscription_id"))
        batch_op.drop_index(batch_op.f("ix_delivery_event_id"))
        batch_op.drop_index("ix_delivery_due")

    op.drop_table("delivery")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_alert_open_series",
            sqlite_where=sa.text("status <> 'resolved'"),
            postgresql_where=sa.text("status <> 'resolved'"),
        )
        batch_op.drop_index(batch_op.f("ix_alert_unit_id"))
        batch_op.drop_index(batch_op.f("ix_alert_target_id"))
        batch_op.drop_index(batch_op.f("ix_alert_status"))
        batch_op.drop_index(batch_op.f("ix_alert_severity"))
        batch_op.drop_index(batch_op.f("ix_alert_rep_id"))
        batch_op.drop_index(batch_op.f("ix_alert_opportunity_id"))
        batch_op.drop_index(batch_op.f("ix_alert_assignee_user_id"))

    op.drop_table("alert")
    with op.batch_alter_table("weekly_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_weekly_review_unit_id"))

    op.drop_table("weekly_review")
    with op.batch_alter_table("notification_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_subscription_unit_id"))

    op.drop_table("notification_subscription")
    with op.batch_alter_table("outbox_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_event_unit_id"))

    op.drop_table("outbox_event")
    op.drop_table("alert_run")
