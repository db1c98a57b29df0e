"""Contract checklist, lifetime value, segment-limited coefficients awaiting confirmation.

Also the new-energy-vehicle status pack with the field article's six statuses: test-driven,
comparing prices, budget undecided, quoted, finance pre-approved, awaiting a delivery date
(trade-in valued, not among them, is retired: kept for the follow-ups that used it).

Revision ID: f4b6c8d0e2a3
Revises: e3a5b7c9d1f2
Create Date: 2026-12-04 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f4b6c8d0e2a3"
down_revision: str | None = "e3a5b7c9d1f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_STATUSES = [
    ("nev_comparing_prices", "比价中", "Comparing prices"),
    ("nev_budget_undecided", "预算未定", "Budget undecided"),
]
STATUS = sa.table(
    "customer_status",
    sa.column("code", sa.String),
    sa.column("label_zh", sa.String),
    sa.column("label_en", sa.String),
    sa.column("pack", sa.String),
    sa.column("active", sa.Boolean),
)
COEFFICIENT = sa.table(
    "business_coefficient",
    sa.column("director_confirmed_at", sa.DateTime(timezone=True)),
    sa.column("regional_confirmed_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    op.create_table(
        "contract_checklist_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label_zh", sa.String(length=200), nullable=False),
        sa.Column("label_en", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_by_user_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["checked_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_contract_checklist_item_checked_by_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunity.id"],
            name=op.f("fk_contract_checklist_item_opportunity_id_opportunity"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_checklist_item")),
        sa.UniqueConstraint(
            "opportunity_id", "code", name=op.f("uq_contract_checklist_item_opportunity_id_code")
        ),
    )
    with op.batch_alter_table("contract_checklist_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_checklist_item_opportunity_id"),
            ["opportunity_id"],
            unique=False,
        )
    op.create_table(
        "service_handover",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("contract_amount", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("lifetime_value", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_service_handover_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunity.id"],
            name=op.f("fk_service_handover_opportunity_id_opportunity"),
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["rep.id"], name=op.f("fk_service_handover_rep_id_rep")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_handover")),
        sa.UniqueConstraint("opportunity_id", name=op.f("uq_service_handover_opportunity_id")),
    )
    with op.batch_alter_table("service_handover", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_handover_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_service_handover_rep_id"), ["rep_id"], unique=False)

    with op.batch_alter_table("business_coefficient", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("director_confirmed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("director_confirmed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("regional_confirmed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("regional_confirmed_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_business_coefficient_director_confirmed_by_id_app_user"),
            "app_user",
            ["director_confirmed_by_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_business_coefficient_regional_confirmed_by_id_app_user"),
            "app_user",
            ["regional_confirmed_by_id"],
            ["id"],
        )
    # coefficients that applied before keep applying: confirmed by the upgrade itself
    op.execute(
        COEFFICIENT.update().values(
            director_confirmed_at=sa.func.current_timestamp(),
            regional_confirmed_at=sa.func.current_timestamp(),
        )
    )

    op.bulk_insert(
        STATUS,
        [
            {"code": code, "label_zh": zh, "label_en": en, "pack": "nev", "active": True}
            for code, zh, en in NEW_STATUSES
        ],
    )
    op.execute(
        STATUS.update()
        .where(STATUS.c.code == "nev_finance_pre_approved")
        .values(label_zh="已融资预审")
    )
    op.execute(STATUS.update().where(STATUS.c.code == "nev_trade_in_valued").values(active=False))


def downgrade() -> None:
    op.execute(STATUS.update().where(STATUS.c.code == "nev_trade_in_valued").values(active=True))
    op.execute(
        STATUS.update()
        .where(STATUS.c.code == "nev_finance_pre_approved")
        .values(label_zh="金融预审通过")
    )
    op.execute(STATUS.delete().where(STATUS.c.code.in_([code for code, _, _ in NEW_STATUSES])))

    with op.batch_alter_table("business_coefficient", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_business_coefficient_regional_confirmed_by_id_app_user"),
            type_="foreignkey",
        )
        batch_op.drop_constraint(
            batch_op.f("fk_business_coefficient_director_confirmed_by_id_app_user"),
            type_="foreignkey",
        )
        batch_op.drop_column("regional_confirmed_by_id")
        batch_op.drop_column("regional_confirmed_at")
        batch_op.drop_column("director_confirmed_by_id")
        batch_op.drop_column("director_confirmed_at")

    with op.batch_alter_table("service_handover", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_handover_rep_id"))
        batch_op.drop_index(batch_op.f("ix_service_handover_account_id"))
    op.drop_table("service_handover")
    with op.batch_alter_table("contract_checklist_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_checklist_item_opportunity_id"))
    op.drop_table("contract_checklist_item")
