"""Contract checklist, lifetime value, segment-limited coefficients awaiting confirmation.

Revision ID: f4b6c8d0e2a3
Revises: e3a5b7c9d1f2
Create Date: 2026-12-04 21:00:00.000000
"""

from collections.abc import Sequence

revision: str = "f4b6c8d0e2a3"
down_revision: str | None = "e3a5b7c9d1f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
