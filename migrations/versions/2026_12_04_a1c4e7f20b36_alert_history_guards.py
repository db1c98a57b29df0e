"""Alert history guards: an alert is never resolved before it was raised; alert runs keep a summary per run.

Revision ID: a1c4e7f20b36
Revises: d7e3f0a2b6c9
Create Date: 2026-12-04 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a1c4e7f20b36"
down_revision: str | None = "d7e3f0a2b6c9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RESOLVED_AFTER_RAISED = "resolved_on IS NULL OR resolved_on >= raised_on"
COUNTS = ("raised", "escalated", "resolved", "tasks", "diagnoses")

alert = sa.table("alert", sa.column("raised_on", sa.Date), sa.column("resolved_on", sa.Date))
alert_run = sa.table(
    "alert_run",
    sa.column("day", sa.Date),
    sa.column("last_run_at", sa.DateTime(timezone=True)),
    sa.column("summary", sa.JSON),
)
alert_run_log = sa.table(
    "alert_run_log",
    sa.column("id", sa.Integer),
    sa.column("day", sa.Date),
    sa.column("started_at", sa.DateTime(timezone=True)),
    sa.column("finished_at", sa.DateTime(timezone=True)),
    sa.column("summary", sa.JSON),
    sa.column("changed", sa.Boolean),
)


def upgrade() -> None:
    # Series a replayed earlier day resolved before they were raised: the resolution date
    # becomes the raise date (the history's events stay as they were).
    op.execute(
        alert.update()
        .where(alert.c.resolved_on < alert.c.raised_on)
        .values(resolved_on=alert.c.raised_on)
    )
    _alter_alert(
        lambda batch_op: batch_op.create_check_constraint(
            op.f("ck_alert_resolved_after_raised"), RESOLVED_AFTER_RAISED
        )
    )

    # Each evaluated day so far becomes one logged run, with the summary its row kept.
    bind = op.get_bind()
    days = bind.execute(sa.select(alert_run.c.day, alert_run.c.last_run_at, alert_run.c.summary))
    logged = [
        {
            "day": day,
            "started_at": at,
            "finished_at": at,
            "summary": {key: (summary or {}).get(key, 0) for key in COUNTS},
            "changed": any((summary or {}).get(key, 0) for key in COUNTS),
        }
        for day, at, summary in days
    ]
    with op.batch_alter_table("alert_run", schema=None) as batch_op:
        batch_op.drop_column("summary")
    op.create_table(
        "alert_run_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("changed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["day"], ["alert_run.day"], name=op.f("fk_alert_run_log_day_alert_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_run_log")),
    )
    with op.batch_alter_table("alert_run_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_run_log_day"), ["day"], unique=False)
    if logged:
        op.bulk_insert(alert_run_log, logged)


def downgrade() -> None:
    # The day's row keeps the summary of its last run that changed something (else its last).
    bind = op.get_bind()
    runs = bind.execute(
        sa.select(alert_run_log.c.day, alert_run_log.c.summary, alert_run_log.c.changed).order_by(
            alert_run_log.c.id
        )
    )
    kept: dict = {}
    for day, summary, changed in runs:
        if changed or day not in kept or not kept[day][1]:
            kept[day] = (summary, changed)
    with op.batch_alter_table("alert_run_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_run_log_day"))
    op.drop_table("alert_run_log")
    with op.batch_alter_table("alert_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("summary", sa.JSON(), nullable=True))
    for day, (summary, _) in kept.items():
        bind.execute(alert_run.update().where(alert_run.c.day == day).values(summary=summary))
    bind.execute(alert_run.update().where(alert_run.c.summary.is_(None)).values(summary={}))
    with op.batch_alter_table("alert_run", schema=None) as batch_op:
        batch_op.alter_column("summary", existing_type=sa.JSON(), nullable=False)

    _alter_alert(
        lambda batch_op: batch_op.drop_constraint(
            op.f("ck_alert_resolved_after_raised"), type_="check"
        )
    )


def _alter_alert(change) -> None:
    """Apply `change` to the alert table. SQLite's batch rebuilds the table (copy, drop,
    rename), and dropping a table whose rows others reference (events, tasks, diagnoses)
    breaks their foreign keys. So there the rows wait in a temporary table while the empty
    table is rebuilt, with the foreign-key checks deferred to the commit, by when every
    referenced row is back with its id."""
    if op.get_bind().dialect.name != "sqlite":
        with op.batch_alter_table("alert", schema=None) as batch_op:
            change(batch_op)
        return
    op.execute("PRAGMA defer_foreign_keys = ON")
    op.execute("CREATE TEMP TABLE _alert_rows AS SELECT * FROM alert")
    op.execute("DELETE FROM alert")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        change(batch_op)
    columns = ", ".join(
        name for _, name, *_ in op.get_bind().exec_driver_sql("PRAGMA table_info(alert)")
    )
    op.execute(f"INSERT INTO alert ({columns}) SELECT {columns} FROM _alert_rows")
    op.execute("DROP TABLE _alert_rows")
