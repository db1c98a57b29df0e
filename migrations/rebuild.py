"""What revisions share (never the application's code): changing a table SQLite must rebuild."""

from __future__ import annotations

from collections.abc import Callable

from alembic import op


def alter_keeping_rows(table: str, change: Callable) -> None:
    """Apply `change(batch_op)` to `table`. SQLite's batch rebuilds the table (copy, drop,
    rename), and dropping a table whose rows others reference breaks their foreign keys. So
    there the rows wait in a temporary table while the empty table is rebuilt, with the
    foreign-key checks deferred to the commit, by when every referenced row is back with its
    id. Elsewhere the change is made in place."""
    if op.get_bind().dialect.name != "sqlite":
        with op.batch_alter_table(table, schema=None) as batch_op:
            change(batch_op)
        return
    # The pragma lasts until the transaction ends, and the sqlite3 driver opens one only
    # before a row-changing statement: a no-op DELETE opens it first, or a revision whose
    # first statement this is would defer nothing and the DELETE below would fail.
    op.execute(f"DELETE FROM {table} WHERE 0")
    op.execute("PRAGMA defer_foreign_keys = ON")
    op.execute(f"CREATE TEMP TABLE _{table}_rows AS SELECT * FROM {table}")
    op.execute(f"DELETE FROM {table}")
    with op.batch_alter_table(table, schema=None) as batch_op:
        change(batch_op)
    columns = ", ".join(
        name for _, name, *_ in op.get_bind().exec_driver_sql(f"PRAGMA table_info({table})")
    )
    op.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _{table}_rows")
    op.execute(f"DROP TABLE _{table}_rows")


def replace_check(table: str, name: str, condition: str) -> None:
    """The check constraint `ck_<table>_<name>` becomes `condition`, the rows kept."""

    def change(batch_op) -> None:
        batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
        batch_op.create_check_constraint(op.f(f"ck_{table}_{name}"), condition)

    alter_keeping_rows(table, change)
