"""Leads from intake, routing decisions with their explanations, and the routing policies.

Revision ID: d7e3f0a2b6c9
Revises: c4a9b1e07d52
Create Date: 2026-11-22 23:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "d7e3f0a2b6c9"
down_revision: str | None = "c4a9b1e07d52"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
