"""Named seasonal profiles for splitting targets over time.

Revision ID: 34c984536a3a
Revises: c6581ff6932b
Create Date: 2026-11-22 18:49:21.301305
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "34c984536a3a"
down_revision: str | None = "c6581ff6932b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seasonal_profile",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_seasonal_profile")),
    )


def downgrade() -> None:
    op.drop_table("seasonal_profile")
