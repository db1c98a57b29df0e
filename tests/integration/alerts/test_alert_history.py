"""Replaying the past never rewrites the present: a day before the latest evaluated one is
refused and changes nothing; a backfill that starts at the latest evaluated day gives the
history of the days evaluated in order; the database refuses an alert resolved before it was
raised; every run keeps its own summary, so a rerun that changes nothing loses nothing; the
migration keeps what was there."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import inspect, select, text, update
from sqlalchemy.exc import IntegrityError

from domain import db
from domain.alerts.models import Alert, AlertRun, AlertRunLog
from domain.errors import InvalidInput
from tests.support.alerts import EXPECTED, days, history, run_day
from tests.support.db import fresh_postgres_database

ZEROS = {"raised": 0, "escalated": 0, "resolved": 0, "tasks": 0, "diagnoses": 0}


async def backfill(sessions, first: date, last: date) -> None:
    """What `pacer alerts run --from FIRST --as-of LAST` does: each day in order, one
    transaction each, stopping at the first refusal."""
    for day in days(first, last):
        await run_day(sessions, day)


async def states(sessions) -> list[tuple]:
    async with sessions() as session:
        rows = await session.execute(
            select(
                Alert.id, Alert.severity, Alert.status, Alert.raised_on, Alert.resolved_on
            ).order_by(Alert.id)
        )
        return [tuple(row) for row in rows]


async def test_an_earlier_day_is_refused_and_changes_nothing(sessions, world, month):
    for day in days(date(2026, 11, 2), date(2026, 11, 20)):
        await run_day(sessions, day)
    before = await states(sessions)
    # The circuit breakers raised on the 16th are open; replaying the 10th used to resolve
    # them "on the 10th", six days before they were raised.
    assert [s[2] for s in before if s[3] == date(2026, 11, 16)] == ["open", "open"]
    with pytest.raises(InvalidInput) as refused:
        await run_day(sessions, date(2026, 11, 10))
    assert (refused.value.code, refused.value.field) == ("DAY_BEFORE_LATEST_RUN", "day")
    assert "evaluated up to 2026-11-20" in refused.value.message_en
    assert "预警已评估到 2026-11-20" in refused.value.message_zh
    assert await states(sessions) == before
    assert await history(sessions, world, month) == EXPECTED[:12]
    async with sessions() as session:  # the refused run left no trace
        assert (await session.get(AlertRun, date(2026, 11, 10))).runs == 1
    # The latest day can run again, and the days after it follow on as if nothing happened.
    assert (await run_day(sessions, date(2026, 11, 20))).as_dict() == ZEROS
    for day in days(date(2026, 11, 21), date(2026, 11, 27)):
        await run_day(sessions, day)
    assert await history(sessions, world, month) == EXPECTED


async def test_a_backfill_in_order_gives_the_history_of_the_days_evaluated_in_order(
    sessions, world, month
):
    for day in days(date(2026, 11, 2), date(2026, 11, 6)):
        await run_day(sessions, day)
    # Cron stopped after the 6th. Backfilling from the 2nd would first evaluate the 2nd
    # against the series of the 5th and 6th: refused before it changes anything.
    with pytest.raises(InvalidInput, match="DAY_BEFORE_LATEST_RUN"):
        await backfill(sessions, date(2026, 11, 2), date(2026, 11, 27))
    assert await history(sessions, world, month) == EXPECTED[:2]
    # From the latest evaluated day on, the backfill gives the month's history exactly.
    await backfill(sessions, date(2026, 11, 6), date(2026, 11, 27))
    assert await history(sessions, world, month) == EXPECTED
    assert all(s[4] is None or s[4] >= s[3] for s in await states(sessions))


async def test_a_day_with_no_run_before_a_later_one_is_refused_too(sessions, world, month):
    await run_day(sessions, date(2026, 11, 2))
    await run_day(sessions, date(2026, 11, 6))
    with pytest.raises(InvalidInput, match="DAY_BEFORE_LATEST_RUN"):
        await run_day(sessions, date(2026, 11, 5))
    async with sessions() as session:
        assert await session.get(AlertRun, date(2026, 11, 5)) is None


async def test_the_database_refuses_an_alert_resolved_before_it_was_raised(engine, sessions, world):
    def resolved_on(day: date) -> Alert:
        return Alert(
            rule="pace",
            severity="orange",
            status="resolved",
            subject_key="target:1",
            unit_id=world.units["east.sh"],
            evidence={},
            raised_on=date(2026, 11, 30),
            condition_seen_on=date(2026, 11, 30),
            resolved_on=day,
        )

    async with sessions() as session:
        session.add(resolved_on(date(2026, 9, 23)))  # what replaying the 23rd of September did
        with pytest.raises(IntegrityError, match="ck_alert_resolved_after_raised"):
            await session.flush()
    async with sessions() as session:
        session.add(alert := resolved_on(date(2026, 11, 30)))  # the same day is fine
        await session.commit()
    async with sessions() as session:
        with pytest.raises(IntegrityError, match="ck_alert_resolved_after_raised"):
            await session.execute(
                update(Alert).where(Alert.id == alert.id).values(resolved_on=date(2026, 11, 29))
            )
    # The constraint is the migrations' as well as the model's.
    async with engine.connect() as connection:
        checks = await connection.run_sync(
            lambda sync: inspect(sync).get_check_constraints("alert")
        )
    assert "ck_alert_resolved_after_raised" in {c["name"] for c in checks}
    assert "ck_alert_resolved_after_raised" in {c.name for c in Alert.__table__.constraints}


async def test_a_rerun_that_changes_nothing_keeps_the_working_runs_summary(sessions, world, month):
    for day in days(date(2026, 11, 2), date(2026, 11, 5)):
        await run_day(sessions, day)
    working = await run_day(sessions, date(2026, 11, 6))
    assert (working.run, working.changed) == (1, True)
    assert working.as_dict() == {**ZEROS, "escalated": 1, "tasks": 1}
    again = await run_day(sessions, date(2026, 11, 6))
    assert (again.run, again.changed, again.as_dict()) == (2, False, ZEROS)
    assert again.day_total == working.as_dict()
    async with sessions() as session:
        logged = list(
            await session.execute(
                select(AlertRunLog.summary, AlertRunLog.changed, AlertRunLog.started_at)
                .where(AlertRunLog.day == date(2026, 11, 6))
                .order_by(AlertRunLog.id)
            )
        )
        run = await session.get(AlertRun, date(2026, 11, 6))
    assert [(summary, changed) for summary, changed, _ in logged] == [
        (working.as_dict(), True),
        (ZEROS, False),
    ]
    assert logged[0].started_at <= logged[1].started_at
    assert run.runs == 2


# --- the migration, on a database with alerts and runs ------------------------------------

BEFORE, GUARDS = "d7e3f0a2b6c9", "a1c4e7f20b36"


@pytest.fixture
def empty_url(backend, tmp_path, request):
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    else:
        with fresh_postgres_database(request.getfixturevalue("postgres_server_url")) as url:
            yield url


def migrate(connection, revision: str, down: bool = False) -> None:
    from alembic import command

    (command.downgrade if down else command.upgrade)(db.alembic_config(connection), revision)


async def test_the_migration_repairs_old_replays_and_logs_each_evaluated_day(empty_url):
    engine = db.create_engine(empty_url)
    worked = '{"raised": 2, "escalated": 0, "resolved": 1, "tasks": 1, "diagnoses": 0}'
    try:
        async with engine.begin() as connection:
            await connection.run_sync(migrate, BEFORE)
            for statement in (
                "INSERT INTO org_unit (id, code, name, kind, path, depth, created_at) "
                "VALUES (1, 'acme', 'Acme', 'company', '1', 0, '2026-01-01')",
                # The demo's circuit breaker, raised on 30 November, "resolved" on 23 September.
                "INSERT INTO alert (id, rule, severity, status, subject_key, unit_id, evidence, "
                "raised_on, condition_seen_on, resolved_on, created_at, updated_at) VALUES "
                "(1, 'circuit_breaker', 'red', 'resolved', 'unit:1', 1, '{}', '2026-11-30', "
                "'2026-11-30', '2026-09-23', '2026-12-01', '2026-12-01')",
                "INSERT INTO alert_event (alert_id, kind, severity, day, at) VALUES "
                "(1, 'raised', 'red', '2026-11-30', '2026-12-01'), "
                "(1, 'resolved', 'red', '2026-09-23', '2026-12-01')",
                "INSERT INTO alert_run (day, runs, last_run_at, summary) VALUES "
                f"('2026-11-30', 2, '2026-12-01', '{worked}')",
            ):
                await connection.execute(text(statement))
        async with engine.begin() as connection:
            await connection.run_sync(migrate, GUARDS)
            repaired = (await connection.execute(text("SELECT resolved_on FROM alert"))).scalar()
            events = (await connection.execute(text("SELECT count(*) FROM alert_event"))).scalar()
            logged = (
                await connection.execute(text("SELECT day, summary, changed FROM alert_run_log"))
            ).all()
        assert str(repaired) == "2026-11-30" and events == 2
        assert [(str(day), changed) for day, _, changed in logged] == [("2026-11-30", True)]
        async with engine.begin() as connection:
            await connection.run_sync(migrate, BEFORE, True)
            kept = (await connection.execute(text("SELECT summary FROM alert_run"))).scalar()
        assert (json.loads(kept) if isinstance(kept, str) else kept) == json.loads(worked)
    finally:
        await engine.dispose()
