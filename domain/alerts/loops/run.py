"""The loops of the daily run, after the alert series: senior pairing on orange KPI alerts,
the loops its callers add (the health dashboard's actions), second touches and calibration
due. Each opens its tasks once (a task's
kind and subject key, a pairing's rep and week), so rerunning or replaying a day creates
nothing twice."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts.loops.calibration import run_calibration_due
from domain.alerts.loops.pairing import run_pairing
from domain.alerts.loops.rules import LoopThresholds
from domain.alerts.loops.second_touch import run_second_touch
from domain.alerts.loops.tasks import LoopConfig, LoopContext
from domain.alerts.runs import RunSummary
from domain.settings import Settings
from domain.targets.periods import WorkingCalendar


async def run_loops(
    session: AsyncSession,
    *,
    day: date,
    calendar: WorkingCalendar,
    timezone: str,
    config: LoopConfig,
    summary: RunSummary,
) -> None:
    ctx = LoopContext(session, day, calendar, ZoneInfo(timezone), config)
    await run_pairing(ctx)
    for loop in config.extra:
        await loop(ctx)
    await run_second_touch(ctx)
    await run_calibration_due(ctx)
    await session.flush()
    summary.loops.update(ctx.counts)


def loop_config(settings: Settings, extra: tuple = ()) -> LoopConfig | None:
    """The loops as configured (and `extra` ones); None when `alert_loops` is off. The
    calibration rhythm follows `calibration_window_days` unless the loop thresholds name
    their own."""
    if not settings.alert_loops:
        return None
    values = dict(settings.loop_thresholds or {})
    if "calibration_every_days" not in values and settings.calibration_window_days > 0:
        values["calibration_every_days"] = settings.calibration_window_days
    return LoopConfig(
        thresholds=LoopThresholds.from_mapping(values),
        probabilities=settings.stage_probabilities,
        extra=tuple(extra),
    )
