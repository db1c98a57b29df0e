"""The calibration rhythm as a prompt: a unit with rated revenue targets running today —
its own (any period containing the day) and its reps' monthly ones — and no calibration (an
adjustment or a rebalance of its own or its reps' targets) in the last
`calibration_every_days` days gets a calibration-due task — at most one per fortnight, and
none while an earlier one is still open — with
what pace and pipeline suggest for each of those targets (the unit's first, then its reps':
who is ahead and who behind is what a rebalance moves)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, or_, select

from domain.alerts.loops import rules
from domain.alerts.loops.tasks import LoopContext, open_task, task_exists
from domain.alerts.models import AlertTask, TaskKind
from domain.alerts.signals import end_of_day
from domain.kernel.time import as_utc
from domain.org.models import Rep
from domain.targets.calibration import CALIBRATION_ACTIONS
from domain.targets.models import Metric, PeriodKind, Target, TargetStatus, TargetVersion
from domain.targets.progress import period_of, progress_of

RATED = (TargetStatus.APPROVED.value, TargetStatus.LOCKED.value)


async def run_calibration_due(ctx: LoopContext) -> None:
    session, th = ctx.session, ctx.th
    rows = await session.execute(
        select(Target, func.coalesce(Target.owner_unit_id, Rep.unit_id))
        .outerjoin(Rep, Rep.id == Target.owner_rep_id)
        .where(
            Target.metric == Metric.REVENUE.value,
            Target.status.in_(RATED),
            Target.period_start <= ctx.day,
            or_(Target.owner_unit_id.is_not(None), Target.period_kind == PeriodKind.MONTH.value),
        )
        .order_by(Target.owner_rep_id.is_not(None), Target.period_start, Target.id)
    )
    by_unit: dict[int, list[Target]] = {}
    for target, unit_id in rows:
        if period_of(target).contains(ctx.day):
            by_unit.setdefault(unit_id, []).append(target)
    if not by_unit:
        return
    last = await last_calibrations(ctx, set(by_unit))
    due = {
        unit_id: members
        for unit_id, members in by_unit.items()
        if rules.calibration_due(last.get(unit_id), ctx.day, th.calibration_every_days)
    }
    due = {u: m for u, m in due.items() if not await _opened(ctx, u)}
    if not due:
        return
    paces = await progress_of(
        session,
        [t for members in due.values() for t in members],
        ctx.day,
        ctx.calendar,
        probabilities=ctx.config.probabilities,
    )
    for unit_id, members in due.items():
        unit = await ctx.unit(unit_id)
        details: dict[str, Any] = {
            "unit": unit.name,
            "last_calibrated_on": last.get(unit_id),
            "every_days": th.calibration_every_days,
            "fortnight": rules.fortnight_start(ctx.day),
            "targets": [
                {
                    "target_id": t.id,
                    "owner_rep_id": t.owner_rep_id,
                    "period": t.period_kind,
                    "period_start": t.period_start,
                    **rules.suggestion(paces[t.id], th.calibration_tolerance),
                }
                for t in members
            ],
        }
        await open_task(
            ctx,
            kind=TaskKind.CALIBRATION_DUE,
            key=rules.calibration_key(unit_id, ctx.day),
            unit_id=unit_id,
            details=details,
        )


async def _opened(ctx: LoopContext, unit_id: int) -> bool:
    """This fortnight's task exists, or an earlier one is still open (the prompt stands)."""
    if await task_exists(
        ctx.session, TaskKind.CALIBRATION_DUE, rules.calibration_key(unit_id, ctx.day)
    ):
        return True
    still_open = await ctx.session.scalar(
        select(AlertTask.id).where(
            AlertTask.kind == TaskKind.CALIBRATION_DUE.value,
            AlertTask.unit_id == unit_id,
            AlertTask.completed_at.is_(None),
        )
    )
    return still_open is not None


async def last_calibrations(ctx: LoopContext, unit_ids: set[int]) -> dict[int, date]:
    """The local day of each unit's latest calibration up to the evaluated day: a version
    adjusting or rebalancing a target of the unit or of one of its reps."""
    unit_of = func.coalesce(Target.owner_unit_id, Rep.unit_id)
    rows = await ctx.session.execute(
        select(unit_of, func.max(TargetVersion.at))
        .join(Target, Target.id == TargetVersion.target_id)
        .outerjoin(Rep, Rep.id == Target.owner_rep_id)
        .where(
            TargetVersion.action.in_(CALIBRATION_ACTIONS),
            TargetVersion.at < end_of_day(ctx.day, ctx.zone),
            or_(Target.owner_unit_id.in_(unit_ids), Rep.unit_id.in_(unit_ids)),
        )
        .group_by(unit_of)
    )
    return {unit_id: as_utc(at).astimezone(ctx.zone).date() for unit_id, at in rows}
