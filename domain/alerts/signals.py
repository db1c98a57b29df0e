"""What the rules look at, gathered for one evaluated day in a fixed number of statements:
KPI days per rep, pace per unit target, week-to-date per unit week target, weekly sales per
unit against its baseline, and key opportunities' last customer response — all as of the
end of that day."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts import rules
from domain.alerts.loops.tasks import LoopConfig
from domain.alerts.rules import Clearance, Finding, Subject, Thresholds
from domain.forecasts.alerts import ForecastThresholds, Risk, forecast_outcomes
from domain.kernel.actor import Actor
from domain.kernel.time import as_utc
from domain.org.models import OrgUnit, Rep, RepStatus
from domain.org.rules import ancestor_ids
from domain.pipeline import kpis
from domain.pipeline.models import Account, FollowUp, Opportunity, StageTransition
from domain.pipeline.stages import Stage
from domain.targets import actuals
from domain.targets.models import Metric, PeriodKind, Target, TargetStatus
from domain.targets.periods import WorkingCalendar
from domain.targets.planning.baseline import iso_week_start
from domain.targets.progress import period_of, progress_of

# The evaluator reads everything, whoever asks it to run.
SYSTEM = Actor(user_id=0, roles=frozenset({"admin"}), login="pacer")
KPI_LOOKBACK_DAYS = 45
RATED_STATUSES = (TargetStatus.APPROVED.value, TargetStatus.LOCKED.value)

Outcome = Finding | Clearance


@dataclass(frozen=True)
class Evaluation:
    """Everything the rules said for one day, per rule: findings and clearances."""

    outcomes: dict[str, list[Outcome]]


@dataclass(frozen=True)
class Config:
    thresholds: Thresholds
    timezone: str
    minimums: Mapping[str, Mapping[str, int]]
    country: str = "CN"
    metric: Metric = Metric.REVENUE
    loops: LoopConfig | None = None  # None: the daily run opens no loop tasks
    forecast: ForecastThresholds = ForecastThresholds()


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    return as_utc(datetime.combine(day + timedelta(days=1), time.min, zone))


def working_days_back(calendar: WorkingCalendar, day: date, count: int) -> list[date]:
    """The last `count` working days up to and including `day`, oldest first."""
    found: list[date] = []
    current = day
    while len(found) < count and (day - current).days < 366:
        if calendar.is_working(current):
            found.append(current)
        current -= timedelta(days=1)
    return list(reversed(found))


async def gather(
    session: AsyncSession, day: date, calendar: WorkingCalendar, config: Config
) -> Evaluation:
    th = config.thresholds
    return Evaluation(
        {
            rules.AlertRule.KPI_MISS.value: await _kpi(session, day, calendar, config),
            rules.AlertRule.PACE.value: await _pace(session, day, calendar, config),
            rules.AlertRule.WEEK_TO_DATE.value: await _week(session, day, calendar, config),
            rules.AlertRule.CIRCUIT_BREAKER.value: await _breaker(session, day, config),
            rules.AlertRule.STALE_KEY.value: await _stale(session, day, config.timezone, th),
            rules.AlertRule.FORECAST.value: await _forecast(session, day, config.forecast),
        }
    )


async def _forecast(session, day: date, thresholds: ForecastThresholds) -> list[Outcome]:
    """The weekly forecast alert: domain/forecasts/alerts.py judges each unit's call."""
    return [
        Finding(rules.AlertRule.FORECAST, o.subject_key, o.severity, o.unit_id, o.since, o.evidence)
        if isinstance(o, Risk)
        else Clearance(o.subject_key, o.reason_zh, o.reason_en)
        for o in await forecast_outcomes(session, day, thresholds)
    ]


async def _kpi(session, day: date, calendar: WorkingCalendar, config: Config) -> list[Outcome]:
    reports = await kpis.kpi_report(
        session,
        SYSTEM,
        start=day - timedelta(days=KPI_LOOKBACK_DAYS),
        end=day,
        is_working=calendar.is_working,
        timezone=config.timezone,
        minimums=config.minimums,
    )
    outcomes = []
    for report in reports:
        rep = report.rep
        if rep.hire_date > day:
            continue
        days = [d for d in report.days if d.day >= rep.hire_date]
        subject = Subject(f"rep:{rep.id}", rep.unit_id, rep_id=rep.id, extra={"rep": rep.name})
        outcomes.append(rules.kpi_misses(subject, days, config.thresholds))
    return outcomes


async def _unit_targets(session, day: date, kind: PeriodKind, metric: Metric) -> list[Target]:
    rows = await session.scalars(
        select(Target).where(
            Target.owner_unit_id.is_not(None),
            Target.metric == metric.value,
            Target.period_kind == kind.value,
            Target.status.in_(RATED_STATUSES),
            Target.period_start <= day,
        )
    )
    return [t for t in rows if period_of(t).contains(day)]


def _target_subject(target: Target, names: Mapping[int, str]) -> Subject:
    unit_id = target.owner_unit_id
    if unit_id is None:  # _unit_targets selects unit-owned targets only
        raise ValueError(f"target {target.id} is owned by a rep, not a unit")
    return Subject(
        f"target:{target.id}",
        unit_id,
        target_id=target.id,
        extra={"unit": names.get(unit_id, ""), "amount": target.amount},
    )


async def _unit_names(session, ids) -> dict[int, str]:
    rows = await session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(ids)))
    return dict(rows.all())


async def _pace(session, day: date, calendar: WorkingCalendar, config: Config) -> list[Outcome]:
    targets = await _unit_targets(session, day, PeriodKind.MONTH, config.metric)
    if not targets:
        return []
    days = working_days_back(calendar, day, config.thresholds.pace_days)
    ratios: dict[int, list[tuple[date, float | None]]] = defaultdict(list)
    for as_of in days:
        paces = await progress_of(session, targets, as_of, calendar)
        for target in targets:
            if period_of(target).contains(as_of):
                ratios[target.id].append((as_of, paces[target.id].pace_ratio))
    names = await _unit_names(session, {t.owner_unit_id for t in targets})
    return [
        rules.behind_pace(_target_subject(t, names), ratios[t.id], config.thresholds)
        for t in targets
    ]


async def _week(session, day: date, calendar: WorkingCalendar, config: Config) -> list[Outcome]:
    targets = await _unit_targets(session, day, PeriodKind.WEEK, config.metric)
    if not targets:
        return []
    paces = await progress_of(session, targets, day, calendar)
    names = await _unit_names(session, {t.owner_unit_id for t in targets})
    outcomes = []
    for target in targets:
        start = target.period_start
        elapsed = calendar.working_days(start, day + timedelta(days=1))
        pace = paces[target.id]
        outcomes.append(
            rules.week_to_date(
                _target_subject(target, names),
                start,
                pace.achieved,
                pace.expected_to_date,
                elapsed,
                config.thresholds,
            )
        )
    return outcomes


async def weekly_sales_by_unit(
    session, first_week: date, end: date
) -> tuple[dict[int, dict[date, int]], dict[int, OrgUnit]]:
    """Closed sales per unit subtree and ISO week in [first_week, end): one statement for
    the sales, one for the tree."""
    sale = actuals.closed_sales()
    rows = await session.execute(
        select(Rep.unit_id, sale.c.day, func.sum(sale.c.amount))
        .join(Rep, Rep.id == sale.c.rep_id)
        .where(sale.c.day >= first_week, sale.c.day < end)
        .group_by(Rep.unit_id, sale.c.day)
    )
    units = {u.id: u for u in await session.scalars(select(OrgUnit))}
    weekly: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for unit_id, day, amount in rows:
        if unit_id not in units:
            continue
        for ancestor in ancestor_ids(units[unit_id].path):
            weekly[ancestor][iso_week_start(day)] += int(amount or 0)
    return weekly, units


async def _breaker(session, day: date, config: Config) -> list[Outcome]:
    th = config.thresholds
    this_week = iso_week_start(day)
    recent = [this_week - timedelta(weeks=n) for n in range(th.breaker_weeks, 0, -1)]
    history = [recent[0] - timedelta(weeks=n) for n in range(th.breaker_history_weeks, 0, -1)]
    weekly, units = await weekly_sales_by_unit(session, history[0], this_week)
    outcomes = []
    for unit_id, per_week in weekly.items():
        baseline = rules.weekly_baseline([per_week.get(w, 0) for w in history])
        subject = Subject(f"unit:{unit_id}", unit_id, extra={"unit": units[unit_id].name})
        weeks = [(w, per_week.get(w, 0)) for w in recent]
        outcomes.append(rules.circuit_breaker(subject, weeks, baseline, th))
    return outcomes


async def _stale(session, day: date, timezone: str, th: Thresholds) -> list[Outcome]:
    """Key opportunities open at the end of the day: their last customer response then."""
    cutoff = end_of_day(day, ZoneInfo(timezone))
    candidates = (
        await session.execute(
            select(Opportunity, Rep)
            .join(Account, Account.id == Opportunity.account_id)
            .join(Rep, Rep.id == Opportunity.owner_rep_id)
            .where(
                Account.high_value.is_(True),
                Opportunity.created_at < cutoff,
                Rep.status == RepStatus.ACTIVE.value,
            )
        )
    ).all()
    ids = [o.id for o, _ in candidates]
    stage_then = await _stages_at(session, ids, cutoff)
    responses = dict(
        (
            await session.execute(
                select(FollowUp.opportunity_id, func.max(FollowUp.occurred_at))
                .where(
                    FollowUp.opportunity_id.in_(ids),
                    FollowUp.customer_responded.is_(True),
                    FollowUp.occurred_at < cutoff,
                )
                .group_by(FollowUp.opportunity_id)
            )
        ).all()
    )
    outcomes = []
    for opportunity, rep in candidates:
        stage = stage_then.get(opportunity.id)
        if stage is None or not Stage(stage).is_open:
            continue
        subject = Subject(
            f"opportunity:{opportunity.id}",
            rep.unit_id,
            rep_id=rep.id,
            opportunity_id=opportunity.id,
            extra={"rep": rep.name, "opportunity": opportunity.title},
        )
        last = as_utc(responses.get(opportunity.id) or opportunity.created_at)
        outcomes.append(rules.stale_key_opportunity(subject, last, cutoff, th))
    return outcomes


async def _stages_at(session, ids: Sequence[int], cutoff: datetime) -> dict[int, str]:
    """Each opportunity's stage at `cutoff`, from its history."""
    stages: dict[int, str] = {}
    rows = await session.execute(
        select(StageTransition.opportunity_id, StageTransition.to_stage)
        .where(StageTransition.opportunity_id.in_(ids), StageTransition.at < cutoff)
        .order_by(StageTransition.opportunity_id, StageTransition.id)
    )
    for opportunity_id, stage in rows:
        stages[opportunity_id] = stage
    return stages
