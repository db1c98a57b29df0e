"""Follow-ups: append-only, each ending with the customer's status.

Revision ID: 16bbc71e9816
Revises: 98649a6551e7
Create Date: 2026-11-22 19:22:25.586685
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "16bbc71e9816"
down_revision: str | None = "98649a6551e7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("logged_by_id", sa.Integer(), nullable=True),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("value_points", sa.JSON(), nullable=False),
        sa.Column("customer_status", sa.String(length=40), nullable=False),
        sa.Column("customer_responded", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("next_step", sa.Text(), nullable=True),
        sa.Column("next_step_due", sa.Date(), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "type IN ('call', 'visit', 'email', 'instant_message', 'demo_booked', 'demo_held', 'whitepaper_sent', 'proposal_sent', 'contract_approval_started', 'other')",
            name=op.f("ck_follow_up_type"),
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"], ["follow_up.id"], name=op.f("fk_follow_up_corrects_id_follow_up")
        ),
        sa.ForeignKeyConstraint(
            ["customer_status"],
            ["customer_status.code"],
            name=op.f("fk_follow_up_customer_status_customer_status"),
        ),
        sa.ForeignKeyConstraint(
            ["logged_by_id"], ["app_user.id"], name=op.f("fk_follow_up_logged_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunity.id"],
            name=op.f("fk_follow_up_opportunity_id_opportunity"),
        ),
        sa.ForeignKeyConstraint(["rep_id"], ["rep.id"], name=op.f("fk_follow_up_rep_id_rep")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up")),
    )
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_occurred_at"), ["occurred_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_follow_up_opportunity_id"), ["opportunity_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_follow_up_rep_id"), ["rep_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_rep_id"))
        batch_op.drop_index(batch_op.f("ix_follow_up_opportunity_id"))
        batch_op.drop_index(batch_op.f("ix_follow_up_occurred_at"))

    op.drop_table("follow_up")
