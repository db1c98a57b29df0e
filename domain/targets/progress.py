"""Progress and pacing of targets, and whole subtrees of targets in a constant number of
statements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import not_found
from domain.kernel.actor import Actor
from domain.labels import LabelledEnum, register
from domain.org.errors import OrgError
from domain.org.models import OrgUnit, Rep
from domain.org.service import units_in_subtree
from domain.targets import actuals, rules
from domain.targets.models import (
    CalendarException,
    Metric,
    PeriodKind,
    Target,
    TargetProjection,
)
from domain.targets.periods import Period, WorkingCalendar
from domain.targets.service import Owner, target_visible


@cache  # built once: building a statement and its cache key costs more than running it
def _calendar_exceptions():
    return select(CalendarException.day, CalendarException.working)


async def working_calendar(session: AsyncSession, country: str) -> WorkingCalendar:
    """The company's calendar: the country's working days with the company's exceptions
    (read per call, since another process may change them; the working-day tables behind
    it are cached per process by content, see `WorkingCalendar`)."""
    rows = await session.execute(_calendar_exceptions())
    return WorkingCalendar(country, dict(rows.all()))


def period_of(target: Target) -> Period:
    return Period(PeriodKind(target.period_kind), target.period_start)


@register
class PaceBasis(LabelledEnum):
    WORKING_DAYS = ("working_days", "按工作日", "By working days")
    SEASONAL = ("seasonal", "按季节性曲线", "By the seasonal profile")


async def progress_of(
    session: AsyncSession,
    targets: Sequence[Target],
    as_of: date,
    calendar: WorkingCalendar,
    basis: PaceBasis = PaceBasis.WORKING_DAYS,
    probabilities: dict[str, float] | None = None,
) -> dict[int, rules.Pace]:
    """Pace of each target as of the end of `as_of` (deals closed up to and on that day).
    The expected share of the period so far counts working days, or — on the seasonal basis —
    working days weighted by the company's month-of-year profile of the last two years.

    Statements: who counts for each owner once for all the targets, then per metric and
    period what the metric reads (one statement for revenue) and the open pipeline; the
    seasonal profile once per metric."""
    groups: dict[tuple[str, Period], list[Target]] = defaultdict(list)
    for target in targets:
        groups[(target.metric, period_of(target))].append(target)
    if not groups:
        return {}
    reps = await actuals.reps_under(session, {Owner.of(t) for t in targets})
    profiles: dict[Metric, dict[int, float]] = {}
    result = {}
    for (metric_value, period), members in groups.items():
        metric = Metric(metric_value)
        cutoff = min(as_of + timedelta(days=1), period.end)
        owned = {owner: reps[owner] for owner in {Owner.of(t) for t in members}}
        values = await actuals.values_of_reps(session, metric, owned, period.start, cutoff)
        profile = None
        if basis == PaceBasis.SEASONAL:
            if metric not in profiles:
                profiles[metric] = await actuals.company_monthly_profile(session, metric, as_of)
            profile = profiles[metric]
        total = calendar.working_days(period.start, period.end)
        elapsed = calendar.working_days(period.start, max(cutoff, period.start))
        share = expected_share(calendar, period, cutoff, profile)
        per_rep = await actuals.weighted_pipeline(
            session,
            metric,
            {r for ids in owned.values() for r in ids},
            cutoff,
            period.end,
            probabilities,
        )
        pipeline = {owner: sum(per_rep.get(r, 0.0) for r in ids) for owner, ids in owned.items()}
        for target in members:
            owner = Owner.of(target)
            result[target.id] = rules.pace(
                target.amount, values[owner], share, elapsed, total, pipeline[owner]
            )
    return result


def expected_share(
    calendar: WorkingCalendar,
    period: Period,
    cutoff: date,
    monthly_profile: dict[int, float] | None = None,
) -> float:
    """`rules.expected_share` of the period's days before `cutoff`, from the calendar's
    cached working days: without a profile (or an all-zero one) that is working days
    elapsed ÷ working days in the period, counted without walking the days."""
    if not monthly_profile or not any(monthly_profile.values()):
        total = calendar.working_days(period.start, period.end)
        if not total:
            return 1.0
        return calendar.working_days(period.start, max(cutoff, period.start)) / total
    working = calendar.working_dates(period.start, period.end)
    return rules.expected_share(working, cutoff, calendar.is_working, monthly_profile)


@dataclass(frozen=True)
class TreeRow:
    target: Target
    depth: int
    pace: rules.Pace


async def target_tree(
    session: AsyncSession,
    actor: Actor,
    *,
    root_unit_id: int,
    metric: Metric,
    period: Period,
    as_of: date,
    calendar: WorkingCalendar,
    basis: PaceBasis = PaceBasis.WORKING_DAYS,
    probabilities: dict[str, float] | None = None,
) -> list[TreeRow]:
    """Every target of `metric` for `period` owned in the root's subtree (units and reps),
    each with its progress, ordered root first."""
    root = await session.get(OrgUnit, root_unit_id)
    if root is None or not (actor.manages_path(root.path) or actor.rep_unit_id == root.id):
        raise not_found(OrgError.UNIT_NOT_FOUND, "root_id", "组织单元", "org unit")
    subtree = units_in_subtree(root.path)
    rows = await session.execute(
        select(Target, OrgUnit.depth, Rep.id)
        .outerjoin(Rep, Rep.id == Target.owner_rep_id)
        .join(OrgUnit, OrgUnit.id == func.coalesce(Target.owner_unit_id, Rep.unit_id))
        .where(
            Target.metric == metric.value,
            Target.period_kind == period.kind.value,
            Target.period_start == period.start,
            or_(Target.owner_unit_id.in_(subtree), Rep.unit_id.in_(subtree)),
            target_visible(actor),
        )
        .order_by(OrgUnit.depth, Rep.id.is_not(None), Target.id)
    )
    found = [(target, depth + (rep_id is not None)) for target, depth, rep_id in rows]
    paces = await progress_of(session, [t for t, _ in found], as_of, calendar, basis, probabilities)
    return [TreeRow(t, depth - root.depth, paces[t.id]) for t, depth in found]


ProgressKey = tuple[int, date, PaceBasis]


async def progress_by_key(
    session: AsyncSession,
    actor: Actor,
    keys: Sequence[ProgressKey],
    country: str,
    probabilities: dict[str, float] | None = None,
) -> dict[ProgressKey, rules.Pace]:
    """Progress for (target id, as-of day, basis) keys, batched per day and basis."""
    from domain.targets.service import targets_by_ids

    targets = await targets_by_ids(session, actor, {key[0] for key in keys})
    calendar = await working_calendar(session, country)
    batches: dict[tuple[date, PaceBasis], list[Target]] = defaultdict(list)
    for target_id, day, basis in keys:
        if target_id in targets:
            batches[(day, basis)].append(targets[target_id])
    result = {}
    for (day, basis), members in batches.items():
        paces = await progress_of(session, members, day, calendar, basis, probabilities)
        for target_id, pace in paces.items():
            result[(target_id, day, basis)] = pace
    return result


async def record_projections(session: AsyncSession, as_of: date, calendar: WorkingCalendar) -> int:
    """Store today's projection of every target whose period is running, once per day, so
    the accuracy of forecasts can be judged when the period closes."""
    running = list(await session.scalars(select(Target).where(Target.period_start <= as_of)))
    running = [t for t in running if period_of(t).contains(as_of)]
    paces = await progress_of(session, running, as_of, calendar)
    existing = set(
        await session.scalars(
            select(TargetProjection.target_id).where(TargetProjection.day == as_of)
        )
    )
    for target in running:
        if target.id not in existing:
            pace = paces[target.id]
            session.add(
                TargetProjection(
                    target_id=target.id,
                    day=as_of,
                    achieved=pace.achieved,
                    projection=round(pace.projection),
                )
            )
    await session.flush()
    return len(running) - len(existing & {t.id for t in running})


@dataclass(frozen=True)
class Review:
    """How a closed period went: actual against target, and how good the forecasts were."""

    actual: int
    deviation_rate: float | None  # (actual - target) / target
    forecast_accuracy: float | None  # 1 - mean absolute percentage error of the projections
    projections: int


async def reviews_of(
    session: AsyncSession, targets: Sequence[Target], today: date, calendar: WorkingCalendar
) -> dict[int, Review | None]:
    closed = [t for t in targets if period_of(t).end <= today]
    result: dict[int, Review | None] = {t.id: None for t in targets}
    if not closed:
        return result
    finals = await progress_of(session, closed, today, calendar)
    rows = await session.execute(
        select(TargetProjection.target_id, TargetProjection.projection).where(
            TargetProjection.target_id.in_([t.id for t in closed])
        )
    )
    projections: dict[int, list[int]] = defaultdict(list)
    for target_id, projection in rows:
        projections[target_id].append(projection)
    for target in closed:
        actual = finals[target.id].achieved
        result[target.id] = Review(
            actual=actual,
            deviation_rate=(actual - target.amount) / target.amount if target.amount else None,
            forecast_accuracy=rules.forecast_accuracy(projections[target.id], actual),
            projections=len(projections[target.id]),
        )
    return result


async def reviews_by_key(
    session: AsyncSession, actor: Actor, keys: Sequence[tuple[int, date]], country: str
) -> dict[tuple[int, date], Review | None]:
    from domain.targets.service import targets_by_ids

    targets = await targets_by_ids(session, actor, {target_id for target_id, _ in keys})
    calendar = await working_calendar(session, country)
    result = {}
    for day in {day for _, day in keys}:
        members = [targets[t] for t, d in keys if d == day and t in targets]
        for target_id, review in (await reviews_of(session, members, day, calendar)).items():
            result[(target_id, day)] = review
    return result
