"""`pacer alerts run` as a real command: the month of tests/support/alerts.py
replayed day by day from the command line (up to the 23rd: later days are still to come
when this was written, and a day to come is refused) gives the same sequence of alerts; a
rerun tells what the day's runs did together; replaying earlier days is refused."""

from __future__ import annotations

import asyncio
import json

from domain import db
from tests.support.alerts import EASY, EXPECTED, build_month, history
from tests.support.pacer_cli import pacer
from tests.support.world import build_world


async def build(url: str):
    engine = db.create_engine(url)
    await db.upgrade(engine)
    sessions = db.session_factory(engine)
    try:
        world = await build_world(sessions)
        month = await build_month(sessions, world)
        return world, month
    finally:
        await engine.dispose()


async def events(url: str, world, month):
    engine = db.create_engine(url)
    try:
        return await history(db.session_factory(engine), world, month)
    finally:
        await engine.dispose()


def test_replaying_a_month_from_the_command_line(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'pacer.db'}"
    world, month = asyncio.run(build(url))
    env = {
        "PACER_DATABASE_URL": url,
        "PACER_KPI_MINIMUMS": json.dumps({level: EASY for level in ("junior", "mid", "senior")}),
    }
    done = pacer(
        "alerts", "run", "--from", "2026-11-02", "--as-of", "2026-11-23", cwd=tmp_path, env=env
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 22 and lines[3].startswith("2026-11-05: 1 raised")
    assert asyncio.run(events(url, world, month)) == EXPECTED
    again = pacer("alerts", "run", "--as-of", "2026-11-23", cwd=tmp_path, env=env)
    assert again.stdout.strip() == (
        "2026-11-23: 0 raised, 0 escalated, 0 resolved, 0 tasks, 0 diagnoses (run 2 of the day; "
        "all runs: 1 raised, 0 escalated, 3 resolved, 1 tasks, 0 diagnoses)"
    )
    # Replaying from the 9th after the 23rd is refused before any day is touched.
    replay = pacer(
        "alerts", "run", "--from", "2026-11-09", "--as-of", "2026-11-23", cwd=tmp_path, env=env
    )
    assert replay.returncode == 1 and replay.stdout == ""
    [message] = replay.stderr.strip().splitlines()
    assert message.startswith("pacer: error: Alerts have been evaluated up to 2026-11-23")
    assert "预警已评估到 2026-11-23" in message and message.endswith("(DAY_BEFORE_LATEST_RUN)")
    assert asyncio.run(events(url, world, month)) == EXPECTED


def test_a_bad_day_is_one_line(tmp_path):
    env = {"PACER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'pacer.db'}"}
    assert pacer("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    future = pacer("alerts", "run", "--as-of", "2099-01-01", cwd=tmp_path, env=env)
    assert future.returncode == 1
    assert future.stderr.strip().endswith("(DAY_IN_FUTURE)")
    backwards = pacer(
        "alerts", "run", "--from", "2026-11-10", "--as-of", "2026-11-01", cwd=tmp_path, env=env
    )
    assert backwards.returncode == 1 and "--from must not be after --as-of" in backwards.stderr
