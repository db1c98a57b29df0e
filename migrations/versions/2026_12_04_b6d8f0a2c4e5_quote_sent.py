"""Follow-ups: a quote sent is its own type (second touch follows it up like a proposal).

Revision ID: b6d8f0a2c4e5
Revises: a5c7e9f1b3d4
Create Date: 2026-12-04 22:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

from migrations.rebuild import replace_check

revision: str = "b6d8f0a2c4e5"
down_revision: str | None = "a5c7e9f1b3d4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = [
    "call", "visit", "email", "instant_message", "demo_booked", "demo_held",
    "whitepaper_sent", "proposal_sent", "contract_approval_started", "other",
]  # fmt: skip
AFTER = [*BEFORE[:8], "quote_sent", *BEFORE[8:]]


def _types(types: list[str]) -> str:
    return "type IN (" + ", ".join(f"'{name}'" for name in types) + ")"


def upgrade() -> None:
    replace_check("follow_up", "type", _types(AFTER))


def downgrade() -> None:
    op.execute("UPDATE follow_up SET type = 'proposal_sent' WHERE type = 'quote_sent'")
    replace_check("follow_up", "type", _types(BEFORE))
