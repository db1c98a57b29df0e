"""Forecasts: categories on opportunities, weekly calls and their scores.

Revision ID: d2f4a6b8c0e1
Revises: c7e1f3a5b9d2
Create Date: 2026-12-04 21:00:00.000000
"""

from collections.abc import Sequence

revision: str = "d2f4a6b8c0e1"
down_revision: str | None = "c7e1f3a5b9d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
