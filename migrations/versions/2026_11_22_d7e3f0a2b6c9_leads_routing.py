"""Leads from intake, routing decisions with their explanations, and the routing policies.

Revision ID: d7e3f0a2b6c9
Revises: c4a9b1e07d52
Create Date: 2026-11-22 23:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d7e3f0a2b6c9"
down_revision: str | None = "c4a9b1e07d52"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "co_owner_cover",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=40), nullable=False),
        sa.Column("leads_covered", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["rep_id"], ["rep.id"], name=op.f("fk_co_owner_cover_rep_id_rep")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_co_owner_cover")),
        sa.UniqueConstraint("rep_id", "dimension", name=op.f("uq_co_owner_cover_rep_id_dimension")),
    )
    op.create_table(
        "lead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("segment", sa.String(length=40), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("product_interests", sa.JSON(), nullable=False),
        sa.Column("signals", sa.JSON(), nullable=False),
        sa.Column("estimated_value", sa.BigInteger(), nullable=False),
        sa.Column("contact", sa.JSON(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("queue", sa.String(length=40), nullable=True),
        sa.Column("owner_rep_id", sa.Integer(), nullable=True),
        sa.Column("co_owner_rep_id", sa.Integer(), nullable=True),
        sa.Column("opportunity_id", sa.Integer(), nullable=True),
        sa.Column("routed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("contact_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_by_user_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('routed', 'queued', 'contacted')", name=op.f("ck_lead_status")
        ),
        sa.ForeignKeyConstraint(
            ["co_owner_rep_id"], ["rep.id"], name=op.f("fk_lead_co_owner_rep_id_rep")
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"], ["opportunity.id"], name=op.f("fk_lead_opportunity_id_opportunity")
        ),
        sa.ForeignKeyConstraint(
            ["owner_rep_id"], ["rep.id"], name=op.f("fk_lead_owner_rep_id_rep")
        ),
        sa.ForeignKeyConstraint(
            ["received_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_lead_received_by_user_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead")),
        sa.UniqueConstraint("external_id", name=op.f("uq_lead_external_id")),
    )
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lead_contact_due_at"), ["contact_due_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_lead_owner_rep_id"), ["owner_rep_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lead_segment"), ["segment"], unique=False)
        batch_op.create_index(batch_op.f("ix_lead_source"), ["source"], unique=False)
        batch_op.create_index(batch_op.f("ix_lead_status"), ["status"], unique=False)

    op.create_table(
        "routing_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=12), nullable=False),
        sa.Column("policy_version", sa.String(length=40), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=True),
        sa.Column("co_owner_rep_id", sa.Integer(), nullable=True),
        sa.Column("co_owner_dimension", sa.String(length=40), nullable=True),
        sa.Column("queue", sa.String(length=40), nullable=True),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "reason IN ('intake', 'batch', 'sla')", name=op.f("ck_routing_decision_reason")
        ),
        sa.ForeignKeyConstraint(
            ["co_owner_rep_id"], ["rep.id"], name=op.f("fk_routing_decision_co_owner_rep_id_rep")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_routing_decision_decided_by_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["lead.id"], name=op.f("fk_routing_decision_lead_id_lead")
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["rep.id"], name=op.f("fk_routing_decision_rep_id_rep")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_decision")),
        sa.UniqueConstraint("lead_id", "attempt", name=op.f("uq_routing_decision_lead_id_attempt")),
    )
    with op.batch_alter_table("routing_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_routing_decision_lead_id"), ["lead_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_routing_decision_rep_id"), ["rep_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("routing_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_routing_decision_rep_id"))
        batch_op.drop_index(batch_op.f("ix_routing_decision_lead_id"))

    op.drop_table("routing_decision")
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_status"))
        batch_op.drop_index(batch_op.f("ix_lead_source"))
        batch_op.drop_index(batch_op.f("ix_lead_segment"))
        batch_op.drop_index(batch_op.f("ix_lead_owner_rep_id"))
        batch_op.drop_index(batch_op.f("ix_lead_contact_due_at"))

    op.drop_table("lead")
    op.drop_table("co_owner_cover")
