"""The demo company's working weeks and its early warnings.

Every rep has logged the last four weeks' and this week's work: on most working days the
follow-ups, newly qualified leads, proposals and booked demos the level's daily minimums ask
for (a little more, some days), on an odd day one of them short — never two days running —
on their open deals and new leads, and some of those leads have gone on to a proposal since.
The Chengdu team misses more days in its slump. Then the evaluator is replayed over the last
ten days, so every alert has a real history, and the story it leaves is short:

- two Shanghai reps slipping: `rep.shanghai.01` quiet for the last four working days and
  `rep.shanghai.02` for three — each raised yellow on the second day, orange (with a 1:1
  coaching task) from the third;
- `rep.beijing.01` missed two working days last week and met every minimum the day after:
  a yellow, resolved with that reason;
- a key customer of `rep.shanghai.05` silent for nine days, calls unanswered: orange;
- the Chengdu team closed nothing in the last two complete weeks (domain/targets/demo.py):
  its circuit breaker, red, with the health diagnosis."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.alerts.demo_activity import Activity, at_hour
from domain.alerts.demo_plan import ActivitySummary
from domain.alerts.evaluate import RunSummary, config_from, run_alerts
from domain.alerts.models import Alert, AlertEvent, AlertRun, AlertTask, HealthDiagnosis
from domain.settings import Settings
from domain.targets.progress import working_calendar

REPLAY_DAYS = 10  # calendar days the evaluator is replayed over


async def seed_activity(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, seed: int, today: date
) -> ActivitySummary | None:
    """Once, before alerts are first evaluated (None when they were): the weeks of work."""
    config = config_from(settings)
    async with sessions() as session:
        if await session.scalar(select(func.count()).select_from(AlertRun)):
            return None
        calendar = await working_calendar(session, config.country)
        summary = await Activity(session, config, calendar, random.Random(seed + 5), today).run()
        await session.commit()
    return summary


async def seed_alerts(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    today: date,
    tick: Callable[[RunSummary], None] | None = None,
) -> list[RunSummary]:
    """Once (none when alerts were evaluated before): one evaluation per day up to today,
    each as if it ran that evening; `tick` hears of each day."""
    config = config_from(settings)
    async with sessions() as session:
        if await session.scalar(select(func.count()).select_from(AlertRun)):
            return []
    summaries = []
    for offset in range(REPLAY_DAYS - 1, -1, -1):
        day = today - timedelta(days=offset)
        async with sessions() as session:
            calendar = await working_calendar(session, config.country)
            before = await _last_ids(session)
            summary = await run_alerts(session, day=day, calendar=calendar, config=config)
            await _as_of_evening(session, day, before, ZoneInfo(config.timezone))
            await session.commit()
        summaries.append(summary)
        if tick is not None:
            tick(summary)
    return summaries


async def _last_ids(session) -> dict[str, int]:
    return {
        model.__tablename__: await session.scalar(select(func.coalesce(func.max(model.id), 0)))
        for model in (Alert, AlertEvent, AlertTask, HealthDiagnosis)
    }


async def _as_of_evening(session, day: date, before: dict[str, int], zone: ZoneInfo) -> None:
    """What the run wrote carries the evaluated day's evening, not the replay's clock."""
    at = at_hour(day, 19, zone)
    touched = (Alert.condition_seen_on == day) | (Alert.resolved_on == day)
    await session.execute(update(Alert).where(touched).values(updated_at=at))
    for model, column in (
        (Alert, Alert.created_at),
        (AlertEvent, AlertEvent.at),
        (AlertTask, AlertTask.created_at),
        (HealthDiagnosis, HealthDiagnosis.created_at),
    ):
        await session.execute(
            update(model).where(model.id > before[model.__tablename__]).values({column: at})
        )
