"""A `runAlerts` waiting for the evaluator's lock (another run holds it, for seconds at a large
company) hands its running turn on: with one turn per worker, other requests are answered
meanwhile (PostgreSQL; SQLite has no advisory locks)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from domain.alerts.runs import EVALUATOR_LOCK
from tests.support.graphql import run


@pytest.fixture
def app_settings():
    return {"max_running": 1}


async def test_a_run_waiting_for_the_evaluator_lock_holds_no_one_up(api, engine, backend):
    if backend != "postgresql":
        pytest.skip("SQLite has no advisory locks: a run holds the write lock instead")
    async with engine.connect() as other_run:
        await other_run.execute(text("SELECT pg_advisory_lock(:key)"), {"key": EVALUATOR_LOCK})
        waiting = asyncio.create_task(
            run(api, "runAlerts", {"day": "2026-11-09"}, "summary { day }")
        )
        await lock_awaited(other_run)
        # Without the turn handed on, this would wait for the run, which waits for the lock.
        me = await asyncio.wait_for(api.data("{ me { login } }", as_="director"), 30)
        assert me["me"]["login"] == "director"
        assert not waiting.done()
        await other_run.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": EVALUATOR_LOCK})
    result = await waiting
    assert result["errors"] == [] and result["summary"]["day"] == "2026-11-09"


async def lock_awaited(connection) -> None:
    """Returns once a session waits for an advisory lock."""
    waiting = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
    while not (await connection.execute(waiting)).scalar():  # noqa: ASYNC110 (no event to await)
        await asyncio.sleep(0.02)
