"""Capability scores with their history and overrides, customer ratings, milestone awards.

Revision ID: c4a9b1e07d52
Revises: 4752ab4839e4
Create Date: 2026-11-22 23:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "c4a9b1e07d52"
down_revision: str | None = "4752ab4839e4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
