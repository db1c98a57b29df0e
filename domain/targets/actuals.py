"""Actuals: what owners achieved. Sales are the imported deal history and the won
opportunities of the pipeline, read as one table (`closed_sales`); collections are the
payments received on won deals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from sqlalchemy import (
    String,
    bindparam,
    cast,
    extract,
    false,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.org.models import OrgUnit, Rep
from domain.pipeline.models import Account, Opportunity, Payment
from domain.pipeline.stages import Stage
from domain.targets.models import Deal, Metric

SALE_COLUMNS = ("rep_id", "day", "amount", "high_margin", "one_off", "segment", "customer")


@cache  # built once: SQL constructs are immutable, and building them costs per request
def _closed_sales_union(columns: tuple[str, ...]):
    imported = {
        "rep_id": Deal.rep_id,
        "day": Deal.close_date,
        "amount": Deal.amount,
        "high_margin": Deal.high_margin,
        "one_off": Deal.one_off,
        "segment": Deal.segment,
        "customer": Deal.customer,
    }
    won = {
        "rep_id": Opportunity.owner_rep_id,
        "day": Opportunity.won_on,
        "amount": Opportunity.won_amount,
        "high_margin": Opportunity.high_margin,
        "one_off": false(),
        "segment": Account.segment,
        "customer": literal("account:") + cast(Account.id, String),
    }
    won_sales = select(*(won[column] for column in columns))
    if {"segment", "customer"} & set(columns):  # every opportunity has an account
        won_sales = won_sales.join(Account, Account.id == Opportunity.account_id)
    return union_all(
        select(*(imported[column].label(column) for column in columns)),
        won_sales.where(Opportunity.stage == Stage.WON.value),
    )


@cache
def closed_sales(name: str = "sale", columns: tuple[str, ...] = SALE_COLUMNS):
    """Every closed sale, imported or won in the pipeline, with the same columns: rep_id,
    day, amount, high_margin, one_off, segment, customer (a won deal's customer is its
    account); or only the `columns` asked for, which spares the database the accounts
    when neither segment nor customer is among them.

    One subquery per name and columns for the whole process (a new one would work out its
    columns again on every request): a statement that reads the sales twice names the
    second."""
    return _closed_sales_union(tuple(columns)).subquery(name)


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


@cache  # built once (see `_sales_by_rep`)
def _reps_under_units():
    owning, rep_unit = aliased(OrgUnit, name="owning_unit"), aliased(OrgUnit, name="rep_unit")
    return (  # each rep counts for every owning unit above it
        select(owning.id, Rep.id)
        .join(rep_unit, rep_unit.path.startswith(owning.path))
        .join(Rep, Rep.unit_id == rep_unit.id)
        .where(owning.id.in_(bindparam("unit_ids", expanding=True)))
    )


async def reps_under(session: AsyncSession, owners: Iterable) -> dict:
    """The reps whose results count for each owner (a rep itself, or a unit's subtree): one
    statement for any number of owning units, none for reps."""
    owners = list(owners)
    result = {o: [o.rep_id] for o in owners if o.rep_id is not None}
    by_unit = {o.unit_id: o for o in owners if o.unit_id is not None}
    if by_unit:
        for owner in by_unit.values():
            result[owner] = []
        rows = await session.execute(_reps_under_units(), {"unit_ids": list(by_unit)})
        for unit_id, rep_id in rows:
            result[by_unit[unit_id]].append(rep_id)
    return result


@cache  # built once: building a statement and its cache key costs more than running it
def _sales_by_rep():
    """Per rep of `rep_ids`: amount, deals and high-margin amount closed in [start, end)."""
    sale = closed_sales(columns=("rep_id", "day", "amount", "high_margin"))
    return (
        select(
            sale.c.rep_id,
            func.sum(sale.c.amount),
            func.count(),
            func.sum(sale.c.amount).filter(sale.c.high_margin.is_(True)),
        )
        .where(
            sale.c.day >= bindparam("start"),
            sale.c.day < bindparam("end"),
            sale.c.rep_id.in_(bindparam("rep_ids", expanding=True)),
        )
        .group_by(sale.c.rep_id)
    )


# What each metric needs of `rep_aggregates`: the sales, the customers new in the window,
# the money collected.
SALES, NEW_CUSTOMERS, COLLECTED = "sales", "new_customers", "collected"
NEEDS = {
    Metric.REVENUE: {SALES},
    Metric.DEALS_WON: {SALES},
    Metric.HIGH_MARGIN_SHARE: {SALES},
    Metric.NEW_CUSTOMERS: {NEW_CUSTOMERS},
    Metric.COLLECTIONS: {COLLECTED},
}


async def rep_aggregates(
    session: AsyncSession,
    rep_ids: Iterable[int],
    start: date,
    end: date,
    metrics: Iterable[Metric] | None = None,
) -> dict[int, Aggregate]:
    """Per rep, sales closed and money collected in [start, end): up to three statements for
    any number of reps. With `metrics`, only what those metrics read is filled in (the other
    fields stay at zero), which for revenue is a single statement."""
    rep_ids = set(rep_ids)
    aggregates: dict[int, Aggregate] = defaultdict(Aggregate)
    if not rep_ids:
        return aggregates
    needs = {SALES, NEW_CUSTOMERS, COLLECTED}
    if metrics is not None:
        needs = set().union(*(NEEDS[Metric(metric)] for metric in metrics))
    if SALES in needs:
        rows = await session.execute(
            _sales_by_rep(), {"start": start, "end": end, "rep_ids": list(rep_ids)}
        )
        for rep_id, amount, count, high_margin in rows:
            aggregates[rep_id] = Aggregate(int(amount or 0), count, int(high_margin or 0))
    if NEW_CUSTOMERS in needs:
        sale = closed_sales(columns=("rep_id", "day", "customer"))
        before = closed_sales("earlier_sale", ("day", "customer"))
        earlier = select(before.c.customer).where(before.c.day < start)
        first_time = await session.execute(
            select(sale.c.rep_id, sale.c.customer)
            .where(
                sale.c.day >= start,
                sale.c.day < end,
                sale.c.rep_id.in_(rep_ids),
                sale.c.customer.not_in(earlier),
            )
            .distinct()
        )
        for rep_id, customer in first_time:
            aggregates[rep_id].new_customers.add(customer)
    if COLLECTED in needs:
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
    return await values_of_reps(session, metric, await reps_under(session, owners), start, end)


async def values_of_reps(
    session: AsyncSession, metric: Metric, reps: dict, start: date, end: date
) -> dict:
    """The metric's value per owner, given the reps that count for each (`reps_under`)."""
    per_rep = await rep_aggregates(
        session, {r for ids in reps.values() for r in ids}, start, end, [metric]
    )
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
    sale = closed_sales(columns=("rep_id", "day", "amount", "high_margin"))
    rows = await session.execute(
        _per_month_totals(sale, sale.c.rep_id.in_(reps), sale.c.day >= start, sale.c.day < today)
    )
    return _per_month(rows, metric, years)


def _per_month_totals(sale, *conditions):
    """Per calendar month: amount, deals and high-margin amount, summed in the database."""
    month = extract("month", sale.c.day)
    return (
        select(
            month,
            func.sum(sale.c.amount),
            func.count(),
            func.sum(sale.c.amount).filter(sale.c.high_margin.is_(True)),
        )
        .where(*conditions)
        .group_by(month)
    )


def _per_month(rows, metric: Metric, years: int) -> dict[int, float]:
    return {
        int(month): Aggregate(int(amount or 0), deals, int(high_margin or 0)).value(metric) / years
        for month, amount, deals, high_margin in rows
    }


async def company_monthly_profile(
    session: AsyncSession, metric: Metric, today: date, years: int = 2
) -> dict[int, float]:
    """The whole company's average value per calendar month over the past years."""
    start = date(today.year - years, today.month, 1)
    sale = closed_sales(columns=("day", "amount", "high_margin"))
    rows = await session.execute(_per_month_totals(sale, sale.c.day >= start, sale.c.day < today))
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
        _open_pipeline(metric == Metric.REVENUE),
        {"rep_ids": list(set(rep_ids)), "stages": list(chances), "start": start, "end": end},
    )
    weighted: dict[int, float] = defaultdict(float)
    for rep_id, stage, total in rows:  # per rep and stage: the amounts, or the deals
        weighted[rep_id] += chances[stage] * int(total or 0)
    return weighted


@cache  # built once (see `_sales_by_rep`)
def _open_pipeline(amounts: bool):
    """Per rep of `rep_ids` and stage of `stages`: the amounts (or the number) of the
    opportunities expected to close in [start, end)."""
    return (
        select(
            Opportunity.owner_rep_id,
            Opportunity.stage,
            func.sum(Opportunity.amount) if amounts else func.count(),
        )
        .where(
            Opportunity.owner_rep_id.in_(bindparam("rep_ids", expanding=True)),
            Opportunity.stage.in_(bindparam("stages", expanding=True)),
            Opportunity.expected_close >= bindparam("start"),
            Opportunity.expected_close < bindparam("end"),
        )
        .group_by(Opportunity.owner_rep_id, Opportunity.stage)
    )
