"""The record of evaluation runs: the evaluator lock, the day's row, one log row per run,
and the rule that keeps a replay from rewriting the present.

Alert series move forward only: a run resolves, escalates and raises as of the day it
evaluates. So a day can be evaluated only if no later day has been: evaluating an earlier
one would compare its findings with series raised after it, and resolve them before they
were raised. The latest evaluated day can be run again (it changes nothing unless the data
changed), and any later day follows on from it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts.errors import AlertError
from domain.alerts.models import AlertRun, AlertRunLog
from domain.db import utcnow
from domain.errors import InvalidInput
from domain.kernel.long_waits import before_long_wait

EVALUATOR_LOCK = 0x50414345  # "PACE": one evaluator at a time per database
COUNTS = ("raised", "escalated", "resolved", "tasks", "diagnoses")
# What the loops did (domain/alerts/loops): tasks opened, suggestions closed, pairings.
LOOP_COUNTS = ("loop_tasks", "loop_closed", "pairings")


@dataclass
class RunSummary:
    """What one run changed; once logged, also which run of the day it was (1 for the
    first) and what all the runs of the day changed together."""

    day: date
    counts: Counter = field(default_factory=Counter)
    run: int = 1
    day_total: dict[str, int] = field(default_factory=dict)
    loops: Counter = field(default_factory=Counter)
    day_loop_total: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {key: self.counts[key] for key in COUNTS}

    def loop_dict(self) -> dict[str, int]:
        return {key: self.loops[key] for key in LOOP_COUNTS}

    def logged(self) -> dict[str, Any]:
        """What the run's log row keeps: the series counts, and the loops' when any."""
        return {**self.as_dict(), **{k: n for k, n in self.loop_dict().items() if n}}

    @property
    def changed(self) -> bool:
        return any(self.as_dict().values()) or any(self.loop_dict().values())


def check_not_before_latest(day: date, latest: date | None) -> date:
    """`day`, or a refusal when it is before the latest evaluated one (see the module's
    docstring)."""
    if latest is not None and day < latest:
        raise InvalidInput(
            AlertError.DAY_BEFORE_LATEST_RUN,
            f"预警已评估到 {latest}：只能评估这一天或之后的日期，"
            "评估更早的日期会改写其后的预警历史",
            f"Alerts have been evaluated up to {latest}: evaluate that day or a later one; "
            "an earlier day would rewrite the alert history after it",
            "day",
        )
    return day


async def start_run(session: AsyncSession, day: date) -> date | None:
    """Take the evaluator lock, record the run, refuse a day before the latest evaluated one,
    and return the previous run's day. The first statement writes, so on SQLite the run
    holds the write lock from its start; a refused run is rolled back by its caller."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        before_long_wait()  # another run may hold the lock for seconds
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVALUATOR_LOCK})
    insert = (postgresql.insert if postgres else sqlite.insert)(AlertRun)
    await session.execute(
        insert.values(day=day, runs=0, last_run_at=utcnow()).on_conflict_do_nothing(
            index_elements=["day"]
        )
    )
    await session.execute(
        update(AlertRun)
        .where(AlertRun.day == day)
        .values(runs=AlertRun.runs + 1, last_run_at=utcnow())
    )
    check_not_before_latest(day, await session.scalar(select(func.max(AlertRun.day))))
    return await session.scalar(select(func.max(AlertRun.day)).where(AlertRun.day < day))


async def log_run(session: AsyncSession, summary: RunSummary, started_at: datetime) -> None:
    """Append the run's row and fill in its number and the day's totals."""
    session.add(
        AlertRunLog(
            day=summary.day,
            started_at=started_at,
            finished_at=utcnow(),
            summary=summary.logged(),
            changed=summary.changed,
        )
    )
    await session.flush()
    logged = list(
        await session.scalars(select(AlertRunLog.summary).where(AlertRunLog.day == summary.day))
    )
    summary.run = len(logged)
    summary.day_total = {key: sum(s.get(key, 0) for s in logged) for key in COUNTS}
    summary.day_loop_total = {key: sum(s.get(key, 0) for s in logged) for key in LOOP_COUNTS}
