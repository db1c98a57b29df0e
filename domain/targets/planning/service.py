"""Planning inputs and the baseline suggestion: business coefficients, company calendar
days, and the data-driven number a target discussion starts from."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Forbidden, InvalidInput
from domain.kernel.actor import Actor, Role
from domain.kernel.text import clean_slug, clean_text
from domain.org.models import Rep
from domain.org.rules import path_depth
from domain.targets import actuals, rules
from domain.targets.errors import TargetError
from domain.targets.models import (
    BusinessCoefficient,
    CalendarException,
    Metric,
    SeasonalProfile,
)
from domain.targets.periods import Period
from domain.targets.planning.baseline import Baseline, BaselineSettings, Coefficient, HistoricDeal
from domain.targets.planning.baseline import suggest_baseline as compute_baseline
from domain.targets.service import Owner, visible_owner

BASELINE_METRICS = (Metric.REVENUE, Metric.DEALS_WON, Metric.NEW_CUSTOMERS)


def baseline_settings(history_months: int, moving_average_weeks: int) -> BaselineSettings:
    if not 1 <= history_months <= 60:
        raise InvalidInput(
            TargetError.INVALID_HISTORY,
            "历史月数必须在 1 到 60 之间",
            "historyMonths must be 1–60",
            "history_months",
        )
    if not 1 <= moving_average_weeks <= 52:
        raise InvalidInput(
            TargetError.INVALID_HISTORY,
            "移动平均周数必须在 1 到 52 之间",
            "movingAverageWeeks must be 1–52",
            "moving_average_weeks",
        )
    return BaselineSettings(
        history_months=history_months, moving_average_weeks=moving_average_weeks
    )


async def baseline_suggestion(
    session: AsyncSession,
    actor: Actor,
    *,
    owner: Owner,
    metric: Metric,
    period: Period,
    settings: BaselineSettings | None = None,
) -> Baseline:
    settings = settings or BaselineSettings()
    if metric not in BASELINE_METRICS:
        raise InvalidInput(
            TargetError.METRIC_NOT_SUPPORTED,
            f"“{metric.label_zh}”暂不支持基线建议",
            f"No baseline suggestion for {metric.label_en} yet",
            "metric",
        )
    await visible_owner(session, actor, owner)
    reps = (await actuals.reps_under(session, [owner]))[owner]
    start = period.start - timedelta(days=round(settings.history_months * 30.44) + 7)
    sale = actuals.closed_sales()
    rows = await session.execute(
        select(sale.c.day, sale.c.amount, sale.c.one_off, sale.c.segment, sale.c.customer)
        .where(sale.c.rep_id.in_(reps), sale.c.day >= start, sale.c.day < period.start)
        .order_by(sale.c.day, sale.c.customer, sale.c.amount)
    )
    deals = _as_history(rows.all(), metric, await _earlier_customers(session, reps, start))
    coefficients = await _coefficients(session, period)
    hire_date = None
    if owner.rep_id is not None:
        hire_date = await session.scalar(select(Rep.hire_date).where(Rep.id == owner.rep_id))
    return compute_baseline(deals, period.start, period.end, coefficients, hire_date, settings)


def _as_history(rows, metric: Metric, known_customers: set[str]) -> list[HistoricDeal]:
    deals = []
    for close_date, amount, one_off, segment, customer in rows:
        if metric == Metric.NEW_CUSTOMERS:
            if customer in known_customers:
                continue
            known_customers.add(customer)
        value = amount if metric == Metric.REVENUE else 1
        deals.append(HistoricDeal(close_date, value, one_off, segment))
    return deals


async def _earlier_customers(session: AsyncSession, reps: list[int], start: date) -> set[str]:
    sale = actuals.closed_sales()
    rows = await session.scalars(
        select(sale.c.customer).where(sale.c.rep_id.in_(reps), sale.c.day < start).distinct()
    )
    return set(rows)


async def _coefficients(session: AsyncSession, period: Period) -> list[Coefficient]:
    rows = await session.scalars(
        select(BusinessCoefficient).where(
            BusinessCoefficient.start_date < period.end,
            BusinessCoefficient.end_date >= period.start,
            # only once both the director and the regional head have confirmed it
            BusinessCoefficient.director_confirmed_at.is_not(None),
            BusinessCoefficient.regional_confirmed_at.is_not(None),
        )
    )
    return [
        Coefficient(row.name, row.start_date, row.end_date, row.multiplier, row.segment)
        for row in rows
    ]


def _require_planner(actor: Actor) -> None:
    """Company planning inputs belong to a company-wide admin or director."""
    at_root = actor.scope_path is not None and path_depth(actor.scope_path) == 0
    if not (actor.sees_whole_company or (actor.has(Role.DIRECTOR) and at_root)):
        raise Forbidden(
            TargetError.COMPANY_WIDE_ONLY,
            "只有公司级管理员或总监可以修改公司规划参数",
            "Only a company-wide admin or director can change planning inputs",
            "id",
        )


async def add_business_coefficient(
    session: AsyncSession,
    actor: Actor,
    *,
    name: str,
    start: date,
    end: date,
    multiplier: float,
    segment: str | None = None,
) -> BusinessCoefficient:
    _require_planner(actor)
    name = clean_text(name, "name")
    if end < start:
        raise InvalidInput(
            TargetError.INVALID_DATES,
            "结束日期不能早于开始日期",
            "The end is before the start",
            "end_date",
        )
    if not 0 < multiplier <= 10:
        raise InvalidInput(
            TargetError.INVALID_MULTIPLIER,
            "系数必须大于 0 且不超过 10",
            "The multiplier must be above 0 and at most 10",
            "multiplier",
        )
    row = BusinessCoefficient(
        name=name,
        start_date=start,
        end_date=end,
        multiplier=multiplier,
        segment=clean_slug(segment, "segment") if segment else None,
    )
    session.add(row)
    await session.flush()
    return row


async def list_business_coefficients(
    session: AsyncSession, actor: Actor
) -> list[BusinessCoefficient]:
    return list(
        await session.scalars(
            select(BusinessCoefficient).order_by(
                BusinessCoefficient.start_date, BusinessCoefficient.id
            )
        )
    )


async def set_calendar_day(
    session: AsyncSession, actor: Actor, *, day: date, working: bool, name: str
) -> CalendarException:
    """A company holiday (working false) or an extra working day (working true)."""
    _require_planner(actor)
    name = clean_text(name, "name")
    row = await session.get(CalendarException, day)
    if row is None:
        row = CalendarException(day=day, working=working, name=name)
        session.add(row)
    else:
        row.working, row.name = working, name
    await session.flush()
    return row


async def define_seasonal_profile(
    session: AsyncSession, actor: Actor, *, name: str, label: str, weights: list[float]
) -> SeasonalProfile:
    """Create or replace a named month-of-year profile (company-wide planners)."""
    _require_planner(actor)
    name, label = clean_slug(name, "name"), clean_text(label, "label")
    weights = rules.check_profile(weights)
    row = await session.get(SeasonalProfile, name)
    if row is None:
        row = SeasonalProfile(name=name, label=label, weights=weights)
        session.add(row)
    else:
        row.label, row.weights = label, weights
    await session.flush()
    return row


async def list_seasonal_profiles(session: AsyncSession, actor: Actor) -> list[SeasonalProfile]:
    return list(await session.scalars(select(SeasonalProfile).order_by(SeasonalProfile.name)))
