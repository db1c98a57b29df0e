"""Routing explanations compressed with lz4 on PostgreSQL, where the server has it.

A decision's explanation names every excluded rep with its numbers: ~15–27 KB of JSON among
2,000 reps. PostgreSQL compresses such values with pglz by default, which made storing the
1,000 decisions of one `intakeLeads` take ~0.86 s of its ~2.6 s; lz4 stores them ~4× faster.
Rows already stored keep their compression. SQLite: nothing to do.

Revision ID: c8e0a2b4d6f8
Revises: b6d8f0a2c4e5
Create Date: 2026-12-05 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c8e0a2b4d6f8"
down_revision: str | None = "b6d8f0a2c4e5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMN = "ALTER TABLE routing_decision ALTER COLUMN explanation SET COMPRESSION {}"
# The methods this server was built with (lz4 is optional at build time; PostgreSQL ≥ 14).
HAS_LZ4 = sa.text(
    "SELECT count(*) FROM pg_settings "
    "WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
)


def _postgresql_with_lz4() -> bool:
    bind = op.get_bind()
    return bind.dialect.name == "postgresql" and bool(bind.execute(HAS_LZ4).scalar())


def upgrade() -> None:
    if _postgresql_with_lz4():
        op.execute(COLUMN.format("lz4"))


def downgrade() -> None:
    if _postgresql_with_lz4():
        op.execute(COLUMN.format("pglz"))
