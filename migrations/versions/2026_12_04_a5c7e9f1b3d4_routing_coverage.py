"""Routing: decisions flag uncovered segments.

Revision ID: a5c7e9f1b3d4
Revises: f4b6c8d0e2a3
Create Date: 2026-12-04 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a5c7e9f1b3d4"
down_revision: str | None = "f4b6c8d0e2a3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("routing_decision", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("segment_uncovered", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("routing_decision", schema=None) as batch_op:
        batch_op.drop_column("segment_uncovered")
