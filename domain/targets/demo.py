"""The demo company's sales history and its approved annual revenue target.

18 months of deals per rep with a Spring Festival dip, a year-end push and a few large
one-off orders; the business coefficients of the field; then this year's revenue target set
from the last twelve months' sales, allocated to regions, teams, reps and months through the same
services users call, approved and locked."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import not_found
from domain.kernel.actor import Actor
from domain.org.demo import WEAK_TEAM
from domain.org.errors import OrgError
from domain.org.models import OrgUnit, OrgUnitKind, Rep, RepLevel
from domain.org.rules import ancestor_ids
from domain.targets import actuals, allocation, rules, service
from domain.targets.imports import deals
from domain.targets.imports.csv_file import DealRow
from domain.targets.models import BusinessCoefficient, Metric, PeriodKind, Target
from domain.targets.periods import Period, spring_festival

WEEKLY_DEALS = {RepLevel.JUNIOR.value: 0.8, RepLevel.MID.value: 1.2, RepLevel.SENIOR.value: 1.6}
TYPICAL_DEAL = 180_000_00  # 180,000.00 a vehicle-fleet deal, in fen
YEAR_END_PUSH = {11: 1.15, 12: 1.35}
GROWTH = 1.15
# The Chengdu team closes nothing in the two weeks before this one: the demo's circuit breaker.
# Every other unit (and Chengdu before its slump) sells at least STEADY_SHARE of its usual week
# in the STEADY_WEEKS complete weeks before this one, so no other breaker trips by chance.
STEADY_WEEKS = 4
STEADY_SHARE = 0.8
USUAL_WEEKS = 13  # the weeks before those that say what a usual week is


@dataclass(frozen=True)
class DemoTargets:
    created: bool
    deals: int
    target_id: int | None


def seasonal_factor(day: date) -> float:
    """Quiet around Spring Festival, busy at the year end."""
    festival = spring_festival(day.year)
    if festival - timedelta(days=10) <= day <= festival + timedelta(days=12):
        return 0.35
    return YEAR_END_PUSH.get(day.month, 1.0)


async def seed_targets(session: AsyncSession, actor: Actor, seed: int, today: date) -> DemoTargets:
    year = Period.containing(PeriodKind.YEAR, today)
    company = await session.scalar(
        select(OrgUnit).where(OrgUnit.kind == OrgUnitKind.COMPANY.value).order_by(OrgUnit.id)
    )
    if company is None:
        raise not_found(OrgError.UNIT_NOT_FOUND, "company", "组织单元", "org unit")
    exists = await session.scalar(
        select(Target.id).where(
            Target.owner_unit_id == company.id,
            Target.metric == Metric.REVENUE.value,
            Target.period_kind == PeriodKind.YEAR.value,
            Target.period_start == year.start,
        )
    )
    if exists:
        return DemoTargets(False, 0, exists)
    rng = random.Random(seed)
    deal_count = await _history(session, rng, today, random.Random(f"pacer-demo-steady:{seed}"))
    await _coefficients(session, today)
    await _potentials(session, actor, rng)
    owner = service.Owner(unit_id=company.id)
    trailing = await actuals.values_by_owner(
        session, Metric.REVENUE, [owner], today - timedelta(days=365), today
    )
    amount = round(trailing[owner] * GROWTH, -8)  # in whole millions of yuan
    target = await service.set_target(
        session,
        actor,
        metric=Metric.REVENUE,
        owner=owner,
        period=year,
        amount=int(amount),
        reason="近12个月实际 ×1.15 / the last 12 months ×1.15",
    )
    await _allocate_down(session, actor, target, today)
    return DemoTargets(True, deal_count, target.id)


async def _history(session: AsyncSession, rng: random.Random, today: date, steady_rng) -> int:
    """Deals through the import service, as if a CSV export had been imported."""
    reps = (await session.execute(select(Rep, OrgUnit.code).join(OrgUnit).order_by(Rep.id))).all()
    start = today - timedelta(days=548)
    this_week = today - timedelta(days=today.weekday())
    weak = (this_week - timedelta(weeks=2), this_week)
    rows: list[DealRow] = []
    for rep, unit_code in reps:
        segments = [s.segment for s in rep.specialties] or ["private_buyer"]
        day = max(start, rep.hire_date)
        while day < today:
            quiet = unit_code == WEAK_TEAM and weak[0] <= day < weak[1]
            chance = 0.0 if quiet else WEEKLY_DEALS[rep.level] / 7 * seasonal_factor(day)
            if rng.random() < chance:
                rows.append(_deal(rng, rep, segments, day, line=len(rows) + 2))
            day += timedelta(days=1)
    units = {u.id: u for u in await session.scalars(select(OrgUnit))}
    rows += _steady_weeks(rows, [rep for rep, _ in reps], units, this_week, weak, steady_rng)
    report = await deals.import_deals(session, rows, skip_bad=False)
    return report.inserted


def _steady_weeks(rows, reps, units, this_week: date, weak, rng) -> list[DealRow]:
    """Deals that lift every unit's week, in the last STEADY_WEEKS complete weeks, to at least
    STEADY_SHARE of its usual week (the mean of the USUAL_WEEKS before them) — the weak team's
    slump apart: chance alone trips no breaker but the story's."""
    subtree: dict[int, list[Rep]] = {}
    for rep in reps:
        for ancestor in ancestor_ids(units[rep.unit_id].path):
            subtree.setdefault(ancestor, []).append(rep)
    steady = [this_week - timedelta(weeks=n) for n in range(STEADY_WEEKS, 0, -1)]
    usual = [steady[0] - timedelta(weeks=n) for n in range(USUAL_WEEKS, 0, -1)]
    weekly: dict[tuple[str, date], int] = {}
    for row in rows:
        week = row.close_date - timedelta(days=row.close_date.weekday())
        weekly[(row.rep, week)] = weekly.get((row.rep, week), 0) + row.amount
    added: list[DealRow] = []
    line = len(rows) + 2
    for unit_id in sorted(subtree, key=lambda u: -units[u].depth):  # teams first
        members = subtree[unit_id]
        norm = sum(weekly.get((r.external_id, w), 0) for r in members for w in usual) / USUAL_WEEKS
        for week in steady:
            sellers = [
                r
                for r in members
                if r.hire_date <= week
                and not (units[r.unit_id].code == WEAK_TEAM and week >= weak[0])
            ]
            total = sum(weekly.get((r.external_id, week), 0) for r in members)
            while sellers and total < STEADY_SHARE * norm:
                rep = rng.choice(sellers)
                segments = [s.segment for s in rep.specialties] or ["private_buyer"]
                day = week + timedelta(days=rng.randint(0, 4))
                deal = _deal(rng, rep, segments, day, line)
                added.append(deal)
                line += 1
                weekly[(rep.external_id, week)] = (
                    weekly.get((rep.external_id, week), 0) + deal.amount
                )
                total += deal.amount
    return added


def _deal(rng: random.Random, rep: Rep, segments: list[str], day: date, line: int) -> DealRow:
    one_off = rng.random() < 0.004
    amount = rng.lognormvariate(0, 0.45) * TYPICAL_DEAL * (12 if one_off else 1)
    return DealRow(
        line=line,
        external_id=f"demo-{rep.external_id}-{line:06d}",
        close_date=day,
        amount=int(amount) // 100 * 100,
        rep=rep.external_id,
        customer=f"客户{rng.randint(1, 900):03d}",
        segment=rng.choice(segments),
        product_line=rng.choice(["纯电轻卡", "插混SUV", "换电出租车"]),
        high_margin=rng.random() < 0.3,
        one_off=one_off and rng.random() < 0.7,  # most one-off orders are flagged, not all
    )


# The demo's coefficients come already confirmed (by the seed, not by a login), so they
# apply; a new one waits for the director's and a regional head's confirmation.
CONFIRMED_BY_SEED = {
    "director_confirmed_at": datetime(2026, 1, 5, 9, tzinfo=UTC),
    "regional_confirmed_at": datetime(2026, 1, 5, 9, tzinfo=UTC),
}


async def _coefficients(session: AsyncSession, today: date) -> None:
    for year in (today.year - 1, today.year, today.year + 1):
        festival = spring_festival(year)
        session.add(
            BusinessCoefficient(
                name=f"{year} 春节前45天备货缓冲",
                start_date=festival - timedelta(days=45),
                end_date=festival - timedelta(days=1),
                multiplier=0.8,
                segment=None,
                **CONFIRMED_BY_SEED,
            )
        )
        session.add(
            BusinessCoefficient(
                name=f"{year} 暑假前两周（教育行业）",
                start_date=date(year, 6, 29),
                end_date=date(year, 7, 12),
                multiplier=1.3,
                segment="education",
                **CONFIRMED_BY_SEED,
            )
        )
    await session.flush()


async def _potentials(session: AsyncSession, actor: Actor, rng: random.Random) -> None:
    regions = await session.scalars(
        select(OrgUnit).where(OrgUnit.kind == OrgUnitKind.REGION.value).order_by(OrgUnit.id)
    )
    for region in regions:
        await allocation.set_market_potential(
            session, actor, owner=service.Owner(unit_id=region.id), value=rng.uniform(0.6, 1.6)
        )


async def _allocate_down(session, actor: Actor, target: Target, today: date) -> None:
    """Company → regions → teams → reps by composite weights; each rep's year into months."""
    plan = allocation.AllocationPlan(True, None, rules.WeightMix(), even=False)
    months = allocation.AllocationPlan(False, PeriodKind.MONTH, rules.WeightMix(), even=False)
    level = [target]
    while level:
        below = []
        for parent in level:
            if parent.owner_rep_id is not None:
                await allocation.allocate_target(
                    session, actor, target_id=parent.id, plan=months, today=today
                )
                continue
            below += await allocation.allocate_target(
                session, actor, target_id=parent.id, plan=plan, today=today
            )
        level = below
    approved = list(await session.scalars(select(Target).order_by(Target.id)))
    for each in approved:
        await service.approve_target(session, actor, target_id=each.id)
    await service.lock_started_periods(session, actor, today)
