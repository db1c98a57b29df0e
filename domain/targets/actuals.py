"""Actuals: what owners achieved. Sales are the imported deal history and the won
opportunities of the pipeline, read as one table (`closed_sales`); collections are the
payments received on won deals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import String, cast, false, func, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from domain.org.models import OrgUnit, Rep
from domain.org.rules import ancestor_ids
from domain.pipeline.models import Account, Opportunity, Payment
from domain.pipeline.stages import Stage
from domain.targets.models import Deal, Metric


def closed_sales():
    """Every closed sale, imported or won in the pipeline, with the same columns: rep_id,
    day, amount, high_margin, one_off, segment, customer (a won deal's customer is its
    account)."""
    imported = select(
        Deal.rep_id.label("rep_id"),
        Deal.close_date.label("day"),
        Deal.amount.label("amount"),
        Deal.high_margin.label("high_margin"),
        Deal.one_off.label("one_off"),
        Deal.segment.label("segment"),
        Deal.customer.label("customer"),
    )
    won = (
        select(
            Opportunity.owner_rep_id,
            Opportunity.won_on,
            Opportunity.won_amount,
            Opportunity.high_margin,
            false(),
            Account.segment,
            literal("account:") + cast(Account.id, String),
        )
        .join(Account, Account.id == Opportunity.account_id)
        .where(Opportunity.stage == Stage.WON.value)
    )
    return union_all(imported, won).subquery("sale")


@dataclass
class Aggregate:
    amount: int = 0
    deals: int = 0
    high_margin_amount: int = 0
    new_customers: set[str] = field(default_factory=set)
    collected: int = 0

    def add(self, other: Aggregate) -> None:
        self.amount += other.amount
        self.deals += other.deals
        self.high_margin_amount += other.high_margin_amount
        self.new_customers |= other.new_customers
        self.collected += other.collected

    def value(self, metric: Metric) -> int:
        if metric == Metric.REVENUE:
            return self.amount
        if metric == Metric.DEALS_WON:
            return self.deals
        if metric == Metric.NEW_CUSTOMERS:
            return len(self.new_customers)
        if metric == Metric.HIGH_MARGIN_SHARE:  # basis points
            return round(self.high_margin_amount * 10_000 / self.amount) if self.amount else 0
        return self.collected  # collections


async def reps_under(session: AsyncSession, owners: Iterable) -> dict:
    """The reps whose results count for each owner (a rep itself, or a unit's subtree)."""
    owners = list(owners)
    unit_ids = [o.unit_id for o in owners if o.unit_id is not None]
    result = {o: [o.rep_id] for o in owners if o.rep_id is not None}
    if unit_ids:
        unit_paths = select(OrgUnit.id, OrgUnit.path).where(OrgUnit.id.in_(unit_ids))
        paths = dict((await session.execute(unit_paths)).all())
        prefixes = sorted(set(paths.values()))
        rep_paths = (
            select(Rep.id, OrgUnit.path)
            .join(OrgUnit, OrgUnit.id == Rep.unit_id)
            .where(or_(*[OrgUnit.path.startswith(prefix) for prefix in prefixes]))
        )
        reps = (await session.execute(rep_paths)).all() if prefixes else []
        by_unit = {o.unit_id: o for o in owners if o.unit_id is not None}
        for owner in by_unit.values():
            result[owner] = []
        for rep_id, path in reps:  # each rep counts for every owning unit above it
            for ancestor in ancestor_ids(path):
                if ancestor in by_unit:
                    result[by_unit[ancestor]].append(rep_id)
    return result


async def rep_aggregates(
    session: AsyncSession, rep_ids: Iterable[int], start: date, end: date
) -> dict[int, Aggregate]:
    """Per rep, sales closed and money collected in [start, end): three statements for any
    number of reps."""
    rep_ids = set(rep_ids)
    aggregates: dict[int, Aggregate] = defaultdict(Aggregate)
    if not rep_ids:
        return aggregates
    sale = closed_sales()
    window = (sale.c.day >= start, sale.c.day < end, sale.c.rep_id.in_(rep_ids))
    rows = await session.execute(
        select(
            sale.c.rep_id,
            func.sum(sale.c.amount),
            func.count(),
            func.sum(sale.c.amount).filter(sale.c.high_margin.is_(True)),
        )
        .where(*window)
        .group_by(sale.c.rep_id)
    )
    for rep_id, amount, count, high_margin in rows:
        aggregates[rep_id] = Aggregate(int(amount or 0), count, int(high_margin or 0))
    before = closed_sales()
    earlier = select(before.c.customer).where(before.c.day < start)
    first_time = await session.execute(
        select(sale.c.rep_id, sale.c.customer)
        .where(*window, sale.c.customer.not_in(earlier))
        .distinct()
    )
    for rep_id, customer in first_time:
        aggregates[rep_id].new_customers.add(customer)
    collected = await session.execute(
        select(Opportunity.owner_rep_id, func.sum(Payment.amount))
        .join(Opportunity, Opportunity.id == Payment.opportunity_id)
        .where(
            Payment.received_on >= start,
            Payment.received_on < end,
            Opportunity.owner_rep_id.in_(rep_ids),
        )
        .group_by(Opportunity.owner_rep_id)
    )
    for rep_id, amount in collected:
        aggregates[rep_id].collected = int(amount or 0)
    return aggregates


async def values_by_owner(
    session: AsyncSession, metric: Metric, owners: Iterable, start: date, end: date
) -> dict:
    """The metric's value per owner for deals closed in [start, end)."""
    reps = await reps_under(session, owners)
    per_rep = await rep_aggregates(session, {r for ids in reps.values() for r in ids}, start, end)
    values = {}
    for owner, rep_ids in reps.items():
        total = Aggregate()
        for rep_id in rep_ids:
            if rep_id in per_rep:
                total.add(per_rep[rep_id])
        values[owner] = total.value(metric)
    return values


async def monthly_history(
    session: AsyncSession, metric: Metric, owner, today: date, years: int
) -> dict[int, float]:
    """Average value per calendar month (1-12) over the past `years` years, for profiles."""
    reps = (await reps_under(session, [owner]))[owner]
    start = date(today.year - years, today.month, 1)
    sale = closed_sales()
    rows = await session.execute(
        select(sale.c.day, sale.c.amount, sale.c.high_margin).where(
            sale.c.rep_id.in_(reps), sale.c.day >= start, sale.c.day < today
        )
    )
    return _per_month(rows, metric, years)


def _per_month(rows, metric: Metric, years: int) -> dict[int, float]:
    per_month: dict[int, Aggregate] = defaultdict(Aggregate)
    for close_date, amount, high_margin in rows:
        month = per_month[close_date.month]
        month.amount += amount
        month.deals += 1
        month.high_margin_amount += amount if high_margin else 0
    return {month: agg.value(metric) / years for month, agg in per_month.items()}


async def company_monthly_profile(
    session: AsyncSession, metric: Metric, today: date, years: int = 2
) -> dict[int, float]:
    """The whole company's average value per calendar month over the past years."""
    start = date(today.year - years, today.month, 1)
    sale = closed_sales()
    rows = await session.execute(
        select(sale.c.day, sale.c.amount, sale.c.high_margin).where(
            sale.c.day >= start, sale.c.day < today
        )
    )
    return _per_month(rows, metric, years)


# The chance that an open deal in each stage is won (configurable: PACER_STAGE_PROBABILITIES).
DEFAULT_STAGE_PROBABILITIES = {
    Stage.LEAD.value: 0.05,
    Stage.CONTACTED.value: 0.10,
    Stage.QUALIFIED.value: 0.20,
    Stage.PROPOSAL.value: 0.35,
    Stage.QUOTED.value: 0.50,
    Stage.NEGOTIATION.value: 0.70,
}


async def weighted_pipeline(
    session: AsyncSession,
    metric: Metric,
    rep_ids: Iterable[int],
    start: date,
    end: date,
    probabilities: dict[str, float] | None = None,
) -> dict[int, float]:
    """Per rep, the open opportunities expected to close in [start, end), weighted by the
    probability of their stage: amounts for revenue, counts for deals won, else nothing."""
    if metric not in (Metric.REVENUE, Metric.DEALS_WON):
        return {}
    chances = probabilities or DEFAULT_STAGE_PROBABILITIES
    rows = await session.execute(
        select(Opportunity.owner_rep_id, Opportunity.stage, Opportunity.amount).where(
            Opportunity.owner_rep_id.in_(set(rep_ids)),
            Opportunity.stage.in_(list(chances)),
            Opportunity.expected_close >= start,
            Opportunity.expected_close < end,
        )
    )
    weighted: dict[int, float] = defaultdict(float)
    for rep_id, stage, amount in rows:
        weighted[rep_id] += chances[stage] * (amount if metric == Metric.REVENUE else 1)
    return weighted
