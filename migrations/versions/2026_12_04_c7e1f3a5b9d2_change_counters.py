"""Change counters: routing's candidates are kept per process and read again only when a
counter moved.

Revision ID: c7e1f3a5b9d2
Revises: b5d8e2a9c714
Create Date: 2026-12-04 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c7e1f3a5b9d2"
down_revision: str | None = "b5d8e2a9c714"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTERS = ("routing_roster", "routing_outcomes", "routing_load")


def upgrade() -> None:
    change_counter = op.create_table(
        "change_counter",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_change_counter")),
    )
    op.bulk_insert(change_counter, [{"name": name, "value": 0} for name in COUNTERS])


def downgrade() -> None:
    op.drop_table("change_counter")
