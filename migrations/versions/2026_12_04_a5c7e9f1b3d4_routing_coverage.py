"""Routing: decisions flag uncovered segments.

Revision ID: a5c7e9f1b3d4
Revises: f4b6c8d0e2a3
Create Date: 2026-12-04 21:00:00.000000
"""

from collections.abc import Sequence

revision: str = "a5c7e9f1b3d4"
down_revision: str | None = "f4b6c8d0e2a3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
