"""Queued leads keep their last check time; decisions are stored only when the outcome changes.

Revision ID: b5d8e2a9c714
Revises: a1c4e7f20b36
Create Date: 2026-12-04 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b5d8e2a9c714"
down_revision: str | None = "a1c4e7f20b36"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("queue_checked_at", sa.DateTime(timezone=True), nullable=True)
        )
    # A lead queued before this revision was last checked by its latest decision.
    op.execute(
        "UPDATE lead SET queue_checked_at = (SELECT max(routing_decision.decided_at) "
        "FROM routing_decision WHERE routing_decision.lead_id = lead.id) "
        "WHERE status = 'queued'"
    )


def downgrade() -> None:
    # A plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): copying `lead` into a new table, as
    # batch mode would, fails on the foreign keys of the decisions that point at it.
    with op.batch_alter_table("lead", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("queue_checked_at")
