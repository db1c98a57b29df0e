"""The health indicators' statements for a unit's subtree and a range of days: counts of
follow-ups (and those that delivered value), customer-initiated follow-ups on high-value
accounts, those accounts and open alerts in one statement; the lead → qualified cycles; the
new reps' first-deal cycles. Shared by the dashboard (service.py) and the daily run's
dashboard actions (domain/alerts/loops). The rules behind each number are in service.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased

from domain.alerts.loops.follow_ups import not_corrected
from domain.alerts.models import Alert, AlertStatus
from domain.health import rules as hr
from domain.kernel.severity import Severity
from domain.kernel.time import as_utc
from domain.org.models import OrgUnit, Rep
from domain.pipeline.models import Account, FollowUp, Opportunity, StageTransition
from domain.pipeline.stages import Stage
from domain.targets.actuals import closed_sales

DAY = 86_400


@dataclass(frozen=True)
class Measures:
    """The raw values behind the four indicators and the open alerts per severity."""

    follow_ups: int
    delivered: int
    asked: int
    accounts: int
    open_alerts: dict[Severity, int]
    cycle: float | None
    qualified: int
    spread: float | None
    new_reps: int
    first_deal_days: list[int]


async def measure(session, values: dict[str, Any]) -> Measures:
    """`values`: path (the unit's), begin and finish (the range's UTC bounds), start and end
    (its first and last local day)."""
    totals = (await session.execute(_counts(), values)).one()
    cycle, qualified = await _lead_to_qualified(session, values)
    window = {**values, "hired_from": hr.hire_window_start(values["end"])}
    rows = await session.execute(_first_deals(), window)
    days = sorted(hr.days_to_first_deal(hired, first) for _, hired, first in rows)
    return Measures(
        follow_ups=int(totals.follow_ups),
        delivered=int(totals.delivered),
        asked=int(totals.asked),
        accounts=int(totals.accounts),
        open_alerts={severity: int(getattr(totals, severity.value)) for severity in Severity},
        cycle=cycle,
        qualified=qualified,
        spread=hr.population_stddev(days),
        new_reps=len(days),
        first_deal_days=days,
    )


# The statements:
# Built once per process with named parameters, bound per request with `values` (path: the
# unit's path; begin, finish: the period's UTC bounds; start, end: its first and last day).
# Building a statement and working out its cache key costs more than running it.


def subtree_units():
    return select(OrgUnit.id).where(OrgUnit.path.startswith(bindparam("path"))).scalar_subquery()


def subtree_reps():
    return select(Rep.id).where(Rep.unit_id.in_(subtree_units()))


def _in_period(moment):
    return (moment >= bindparam("begin"), moment < bindparam("finish"))


@cache
def _counts():
    """One row of counts: follow-ups in the period and those that delivered value (a
    non-empty list of value points, counted in the database so no JSON comes back per
    row); customer-initiated follow-ups on high-value accounts and those accounts; open
    alerts per severity."""
    reps = subtree_reps()
    follow_ups = select(FollowUp.id).where(
        FollowUp.rep_id.in_(reps), *_in_period(FollowUp.occurred_at), not_corrected()
    )
    delivered = follow_ups.where(func.json_array_length(FollowUp.value_points) > 0)
    key_accounts = select(Account.id).where(
        Account.high_value.is_(True),
        Account.owner_rep_id.in_(reps),
        Account.created_at < bindparam("finish"),
    )
    asked = (
        select(FollowUp.id)
        .join(Opportunity, Opportunity.id == FollowUp.opportunity_id)
        .where(
            Opportunity.account_id.in_(key_accounts),
            FollowUp.customer_initiated.is_(True),
            *_in_period(FollowUp.occurred_at),
            not_corrected(),
        )
    )

    def count(rows):
        return select(func.count()).select_from(rows.subquery()).scalar_subquery()

    alerts = [
        select(func.count())
        .where(
            Alert.severity == severity.value,
            Alert.status.in_([AlertStatus.OPEN.value, AlertStatus.ACKNOWLEDGED.value]),
            Alert.unit_id.in_(subtree_units()),
        )
        .scalar_subquery()
        .label(severity.value)
        for severity in Severity
    ]
    return select(
        count(follow_ups).label("follow_ups"),
        count(delivered).label("delivered"),
        count(asked).label("asked"),
        count(key_accounts).label("accounts"),
        *alerts,
    )


@cache
def _qualified_entries():
    """(opportunity, created, entry into `qualified`) for the subtree's opportunities with
    an entry into `qualified` in the period: every entry up to the period's end."""
    entry = aliased(StageTransition, name="qualified_entry")
    in_period = select(entry.opportunity_id).where(
        entry.to_stage == Stage.QUALIFIED.value, *_in_period(entry.at)
    )
    return (
        select(Opportunity.id, Opportunity.created_at, StageTransition.at)
        .join(StageTransition, StageTransition.opportunity_id == Opportunity.id)
        .where(
            StageTransition.to_stage == Stage.QUALIFIED.value,
            StageTransition.at < bindparam("finish"),
            Opportunity.owner_rep_id.in_(subtree_reps()),
            Opportunity.id.in_(in_period),
        )
    )


@cache
def _first_deals():
    """(rep, hired, first sale) for the subtree's reps hired in the window ending `end`
    (`hired_from`) with a sale on or after their hire date and by `end`."""
    sale = closed_sales(columns=("rep_id", "day"))
    return (
        select(Rep.id, Rep.hire_date, func.min(sale.c.day))
        .join(sale, sale.c.rep_id == Rep.id)
        .where(
            Rep.unit_id.in_(subtree_units()),
            Rep.hire_date >= bindparam("hired_from"),
            Rep.hire_date <= bindparam("end"),
            sale.c.day >= Rep.hire_date,
            sale.c.day <= bindparam("end"),
        )
        .group_by(Rep.id, Rep.hire_date)
    )


async def _lead_to_qualified(session, values) -> tuple[float | None, int]:
    """The opportunities whose first entry into `qualified` lies in [begin, finish)."""
    begin = values["begin"]
    first: dict[int, tuple[datetime, datetime]] = {}
    for opportunity_id, created_at, at in await session.execute(_qualified_entries(), values):
        at = as_utc(at)
        if opportunity_id not in first or at < first[opportunity_id][1]:
            first[opportunity_id] = (as_utc(created_at), at)
    cycles = [(at - created).total_seconds() / DAY for created, at in first.values() if at >= begin]
    return hr.median(cycles), len(cycles)
