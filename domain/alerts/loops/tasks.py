"""What every loop shares: the day's context (calendar, zone, thresholds, managers) and the
once-only opening of a loop task with the numbers behind it and its notification."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts.loops.rules import LoopThresholds
from domain.alerts.models import AlertTask, TaskKind
from domain.org.models import OrgUnit, User
from domain.org.service import managers_of_units
from domain.targets.periods import WorkingCalendar


@dataclass(frozen=True)
class LoopConfig:
    thresholds: LoopThresholds = field(default_factory=LoopThresholds)
    probabilities: dict[str, float] | None = None  # stage → chance, for the pipeline
    # Loops of contexts above alerts, run after the pairing (the health dashboard's actions).
    extra: tuple[Callable[[LoopContext], Awaitable[None]], ...] = ()


@dataclass
class LoopContext:
    session: AsyncSession
    day: date
    calendar: WorkingCalendar
    zone: ZoneInfo
    config: LoopConfig
    counts: Counter = field(default_factory=Counter)
    _managers: dict[int, User | None] = field(default_factory=dict)
    _units: dict[int, OrgUnit] = field(default_factory=dict)

    @property
    def th(self) -> LoopThresholds:
        return self.config.thresholds

    async def manager_of(self, unit_id: int) -> User | None:
        if unit_id not in self._managers:
            self._managers.update(await managers_of_units(self.session, [unit_id]))
        return self._managers.get(unit_id)

    async def unit(self, unit_id: int) -> OrgUnit:
        if unit_id not in self._units:
            unit = await self.session.get(OrgUnit, unit_id)
            if unit is None:
                raise ValueError(f"unit {unit_id} not found")
            self._units[unit_id] = unit
        return self._units[unit_id]

    def due(self, working_days: int | None = None) -> date:
        """`task_due_days` working days after the evaluated day."""
        due, left = self.day, self.th.task_due_days if working_days is None else working_days
        while left > 0:
            due += timedelta(days=1)
            left -= self.calendar.is_working(due)
        return due


async def task_exists(session: AsyncSession, kind: TaskKind, key: str) -> bool:
    found = await session.scalar(
        select(AlertTask.id).where(AlertTask.kind == kind.value, AlertTask.subject_key == key)
    )
    return found is not None


async def open_task(
    ctx: LoopContext,
    *,
    kind: TaskKind,
    key: str,
    unit_id: int,
    details: dict[str, Any],
    rep_id: int | None = None,
    assignee: User | None = None,
    due_days: int | None = None,
) -> AlertTask | None:
    """Open the loop task `(kind, key)` unless it exists (None then): reruns and replays of
    a day, and later days of the same episode, find it. Notified like an alert's task."""
    from domain.notifications.service import enqueue

    if await task_exists(ctx.session, kind, key):
        return None
    if assignee is None and rep_id is None:
        assignee = await ctx.manager_of(unit_id)
    task = AlertTask(
        alert_id=None,
        subject_key=key,
        kind=kind.value,
        unit_id=unit_id,
        rep_id=rep_id,
        assignee_user_id=assignee.id if assignee else None,
        due_on=ctx.due(due_days),
        details=jsonable(details),
    )
    ctx.session.add(task)
    await ctx.session.flush()
    ctx.counts["loop_tasks"] += 1
    unit = await ctx.unit(unit_id)
    payload = {
        "event": "task.created",
        "alert": {"unit": {"name": unit.name}, "evidence": task.details},
        "task": {
            "id": task.id,
            "kind": kind.value,
            "label": {"zh": kind.label_zh, "en": kind.label_en},
            "due_on": task.due_on.isoformat(),
            "assignee": assignee.display_name if assignee else None,
        },
    }
    await enqueue(ctx.session, kind="task.created", unit=unit, severity=None, payload=payload)
    return task


def jsonable(value: Any) -> Any:
    """As stored in JSON: dates and moments as ISO strings, tuples as lists."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
