"""Loops from the daily run: dashboard actions, second touch, senior pairing, calibration due.

Revision ID: e3a5b7c9d1f2
Revises: d2f4a6b8c0e1
Create Date: 2026-12-04 21:00:00.000000
"""

from collections.abc import Sequence

revision: str = "e3a5b7c9d1f2"
down_revision: str | None = "d2f4a6b8c0e1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
