"""migrations/rebuild.py: a table SQLite must rebuild to change a check keeps its rows, and the
rows of other tables referencing them, even when the change is the first statement of its
transaction (the sqlite3 driver opens one only before a row-changing statement)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from migrations.rebuild import replace_check


def engine_with_rows(tmp_path) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'rebuild.db'}")
    sa.event.listen(engine, "connect", lambda dbapi, _: dbapi.execute("PRAGMA foreign_keys=ON"))
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE parent (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
            "previous_id INTEGER REFERENCES parent (id), "
            "CONSTRAINT ck_parent_kind CHECK (kind IN ('a')))"
        )
        connection.exec_driver_sql(
            "CREATE TABLE child (id INTEGER PRIMARY KEY, "
            "parent_id INTEGER NOT NULL REFERENCES parent (id))"
        )
        connection.exec_driver_sql("INSERT INTO parent VALUES (1, 'a', NULL), (2, 'a', 1)")
        connection.exec_driver_sql("INSERT INTO child VALUES (10, 1), (11, 2)")
    return engine


def test_a_widened_check_keeps_every_row_and_every_reference(tmp_path):
    engine = engine_with_rows(tmp_path)
    with engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
        replace_check("parent", "kind", "kind IN ('a', 'b')")
    with engine.begin() as connection:
        parents = connection.exec_driver_sql("SELECT id, kind, previous_id FROM parent").all()
        children = connection.exec_driver_sql("SELECT id, parent_id FROM child").all()
        connection.exec_driver_sql("INSERT INTO parent VALUES (3, 'b', 2)")
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    assert sorted(parents) == [(1, "a", None), (2, "a", 1)]
    assert sorted(children) == [(10, 1), (11, 2)] and broken == []


def test_the_new_check_refuses_what_it_does_not_admit(tmp_path):
    engine = engine_with_rows(tmp_path)
    with engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
        replace_check("parent", "kind", "kind IN ('a', 'b')")
    with engine.connect() as connection:
        try:
            connection.exec_driver_sql("INSERT INTO parent VALUES (4, 'c', NULL)")
            refused = False
        except sa.exc.IntegrityError:
            refused = True
    assert refused
