"""Payments of won deals; the high-margin flag on opportunities.

Revision ID: 4f6a0ba347b2
Revises: 16bbc71e9816
Create Date: 2026-11-22 19:24:11.541236
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4f6a0ba347b2"
down_revision: str | None = "16bbc71e9816"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payment_amount_positive")),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunity.id"],
            name=op.f("fk_payment_opportunity_id_opportunity"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["app_user.id"], name=op.f("fk_payment_recorded_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment")),
    )
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_opportunity_id"), ["opportunity_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_payment_received_on"), ["received_on"], unique=False)

    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("high_margin", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.drop_column("high_margin")

    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_received_on"))
        batch_op.drop_index(batch_op.f("ix_payment_opportunity_id"))

    op.drop_table("payment")
