"""Queued leads keep their last check time; decisions are stored only when the outcome changes.

Revision ID: b5d8e2a9c714
Revises: a1c4e7f20b36
Create Date: 2026-12-04 12:00:00.000000
"""

from collections.abc import Sequence

revision: str = "b5d8e2a9c714"
down_revision: str | None = "a1c4e7f20b36"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
