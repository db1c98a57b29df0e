"""The health dashboard of a unit's subtree for a period: the four indicators of DESIGN.md
§3 against their thresholds, the unit's revenue targets with their pace, the top gap
reasons, the open alerts by severity and a leaderboard of the reps — in a fixed number of
statements whatever the number of reps.

The rules behind each number (all days are the company's local days, [start, end] both
included):

- effective follow-up rate: follow-ups that happened in the period, logged for reps of the
  subtree, that delivered at least one value point ÷ all of them. An entry later corrected
  by another entry is left out (its correction counts instead).
- lead → qualified cycle: the opportunities owned in the subtree whose *first* entry into
  `qualified` falls in the period; the median of the days from creation to that entry.
- new reps' first-deal cycle: reps of the subtree hired in the 12 months up to the period's
  end who have closed a first sale (imported deal or won opportunity) on or after their hire
  date and by that end; the population standard deviation of the days from hire to that
  sale. Fewer than two such reps: no data.
- high-value customers' proactive inquiries: customer-initiated follow-ups in the period on
  the opportunities of high-value accounts owned by reps of the subtree, ÷ the number of
  those accounts (created by the period's end), ÷ the period's length in months (days ÷
  30.44). No such account: no data.
- targets: the unit's own approved or locked revenue targets whose period contains the end
  day, widest period first, with their pace as of that day.
- gap reasons: the three reasons tagged most often on the subtree's targets of the month of
  the end day (targets whose period starts on its first day).
- alerts: open or acknowledged alerts raised for units of the subtree, by severity.
- leaderboard: every rep of the subtree ranked by revenue closed in the period (ties share
  a rank), with the completion of the rep's approved or locked revenue target of the
  shortest period containing the end day, if there is one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import InvalidInput, not_found
from domain.health import rules as hr
from domain.health.indicators import measure, subtree_reps, subtree_units
from domain.health.rules import HealthThresholds
from domain.kernel.actor import Actor, Role
from domain.kernel.errors import KernelError
from domain.kernel.severity import Severity
from domain.kernel.time import utc_day_bounds
from domain.org.errors import OrgError
from domain.org.models import OrgUnit, Rep
from domain.targets.actuals import closed_sales
from domain.targets.collaboration.service import ReasonCount, top_gap_reasons
from domain.targets.models import Metric, PeriodKind, Target, TargetStatus
from domain.targets.periods import Period
from domain.targets.progress import period_of, progress_of, working_calendar
from domain.targets.rules import Pace

MAX_DAYS = 1096  # three years
LEADERBOARD_SIZE = 10
MAX_LEADERBOARD_SIZE = 100
RATED_STATUSES = (TargetStatus.APPROVED.value, TargetStatus.LOCKED.value)
WIDEST_FIRST = [PeriodKind.YEAR, PeriodKind.QUARTER, PeriodKind.MONTH, PeriodKind.WEEK]


@dataclass(frozen=True)
class TargetProgress:
    target: Target
    pace: Pace


@dataclass(frozen=True)
class LeaderRow:
    rank: int
    rep: Rep
    revenue: int
    target: Target | None
    pace: Pace | None

    @property
    def completion(self) -> float | None:
        return self.pace.completion if self.pace else None


@dataclass(frozen=True)
class HealthDashboard:
    unit: OrgUnit
    start: date
    end: date
    indicators: list[hr.Indicator]
    targets: list[TargetProgress]
    gap_reasons: list[ReasonCount]
    gap_period_start: date
    open_alerts: dict[Severity, int]
    leaderboard: list[LeaderRow]
    rep_count: int

    @property
    def months(self) -> float:
        return hr.months_in(self.start, self.end)


def check_range(start: date, end: date) -> None:
    if end < start or (end - start).days >= MAX_DAYS:
        raise InvalidInput(
            KernelError.INVALID_RANGE,
            f"日期范围必须有效（结束不早于开始）且不超过 {MAX_DAYS} 天",
            f"The range must run forwards and span at most {MAX_DAYS} days",
            "to",
        )


async def readable_unit(session: AsyncSession, actor: Actor, unit_id: int) -> OrgUnit:
    """A unit the caller may read the dashboard of: in a managed subtree, or a rep's own."""
    unit = await session.get(OrgUnit, unit_id)
    if unit is None or not (actor.manages_path(unit.path) or actor.rep_unit_id == unit.id):
        raise not_found(OrgError.UNIT_NOT_FOUND, "unit_id", "组织单元", "org unit")
    return unit


async def health_dashboard(
    session: AsyncSession,
    actor: Actor,
    *,
    unit_id: int,
    start: date,
    end: date,
    timezone: str,
    country: str,
    thresholds: HealthThresholds,
    leaderboard_size: int = LEADERBOARD_SIZE,
    probabilities: dict[str, float] | None = None,
) -> HealthDashboard:
    check_range(start, end)
    unit = await readable_unit(session, actor, unit_id)
    zone = ZoneInfo(timezone)
    begin, finish = utc_day_bounds(start, end, zone)
    # What the dashboard's statements are bound with (see "the statements" below).
    values = {"path": unit.path, "begin": begin, "finish": finish, "start": start, "end": end}

    m = await measure(session, values)
    follow_ups, accounts = m.follow_ups, m.accounts
    rate = hr.share(m.delivered, follow_ups)
    cycle, qualified, spread, new_reps = m.cycle, m.qualified, m.spread, m.new_reps
    inquiries = hr.per_account_per_month(m.asked, accounts, hr.months_in(start, end))
    kind = hr.HealthIndicatorKind
    indicators = [
        hr.indicator(kind.EFFECTIVE_FOLLOW_UP_RATE, rate, follow_ups, thresholds),
        hr.indicator(kind.LEAD_TO_QUALIFIED_DAYS, cycle, qualified, thresholds),
        hr.indicator(kind.FIRST_DEAL_STDDEV_DAYS, spread, new_reps, thresholds),
        hr.indicator(kind.PROACTIVE_INQUIRIES_PER_MONTH, inquiries, accounts, thresholds),
    ]
    open_alerts = m.open_alerts

    members, revenue = [], {}
    for rep, amount in await session.execute(_members_with_revenue(), values):
        members.append(rep)
        revenue[rep.id] = int(amount or 0)
    ranks = hr.competition_ranks([(rep.id, revenue[rep.id]) for rep in members])
    size = hr.clamp_size(leaderboard_size, MAX_LEADERBOARD_SIZE)
    leaders = sorted(members, key=lambda rep: ranks[rep.id])[:size]  # stable: name, id

    unit_targets, rep_targets = await _covering_targets(session, unit, end, leaders)
    calendar = await working_calendar(session, country)
    paces = await progress_of(
        session,
        unit_targets + list(rep_targets.values()),
        end,
        calendar,
        probabilities=probabilities,
    )
    gap_period_start = end.replace(day=1)
    reasons = await top_gap_reasons(
        session, _reader_of(actor, unit), root_unit_id=unit.id, period_start=gap_period_start
    )
    return HealthDashboard(
        unit=unit,
        start=start,
        end=end,
        indicators=indicators,
        targets=[TargetProgress(t, paces[t.id]) for t in unit_targets],
        gap_reasons=reasons,
        gap_period_start=gap_period_start,
        open_alerts=open_alerts,
        leaderboard=[
            LeaderRow(
                rank=ranks[rep.id],
                rep=rep,
                revenue=revenue[rep.id],
                target=rep_targets.get(rep.id),
                pace=paces[rep_targets[rep.id].id] if rep.id in rep_targets else None,
            )
            for rep in leaders
        ],
        rep_count=len(members),
    )


def _reader_of(actor: Actor, unit: OrgUnit) -> Actor:
    """`top_gap_reasons` reads for a manager of the unit; the dashboard has already checked
    that the caller may read this unit (a rep reads their own unit's)."""
    if actor.manages_path(unit.path):
        return actor
    return Actor(
        user_id=actor.user_id,
        roles=frozenset({Role.MANAGER.value}),
        scope_path=unit.path,
        login=actor.login,
    )


# --- the statements (built once, bound per request; see indicators.py) ------------------


@cache
def _members_with_revenue():
    """Every rep of the subtree by name and id, with the revenue closed in [start, end]."""
    sale = closed_sales(columns=("rep_id", "day", "amount"))
    revenue = (
        select(sale.c.rep_id, func.sum(sale.c.amount).label("amount"))
        .where(
            sale.c.rep_id.in_(subtree_reps()),
            sale.c.day >= bindparam("start"),
            sale.c.day <= bindparam("end"),
        )
        .group_by(sale.c.rep_id)
        .subquery("revenue")
    )
    return (
        select(Rep, revenue.c.amount)
        .outerjoin(revenue, revenue.c.rep_id == Rep.id)
        .where(Rep.unit_id.in_(subtree_units()))
        .order_by(Rep.name, Rep.id)
    )


@cache
def _rated_revenue_targets():
    """The rated revenue targets of the unit (`unit_id`) and of the leaders (`leader_ids`)
    for the period of each kind that contains the end day (`<kind>_start`)."""
    return select(Target).where(
        Target.metric == Metric.REVENUE.value,
        Target.status.in_(RATED_STATUSES),
        or_(
            *(
                and_(
                    Target.period_kind == kind.value,
                    Target.period_start == bindparam(f"{kind.value}_start"),
                )
                for kind in WIDEST_FIRST
            )
        ),
        or_(
            Target.owner_unit_id == bindparam("unit_id"),
            Target.owner_rep_id.in_(bindparam("leader_ids", expanding=True)),
        ),
    )


# --- targets ----------------------------------------------------------------------------


async def _covering_targets(
    session, unit: OrgUnit, end: date, leaders: list[Rep]
) -> tuple[list[Target], dict[int, Target]]:
    """The unit's rated revenue targets whose period contains `end` (widest first), and per
    leader the rated revenue target of the shortest period containing `end`. Periods are
    aligned (`Period.of`), so of each kind only one can contain `end`: only those are read,
    not every earlier week and month."""
    starts = {f"{kind.value}_start": Period.containing(kind, end).start for kind in WIDEST_FIRST}
    rows = await session.scalars(
        _rated_revenue_targets(),
        {"unit_id": unit.id, "leader_ids": [rep.id for rep in leaders], **starts},
    )
    covering = [t for t in rows if period_of(t).contains(end)]

    def width(target: Target) -> int:
        return WIDEST_FIRST.index(PeriodKind(target.period_kind))

    unit_targets = sorted((t for t in covering if t.owner_unit_id is not None), key=width)
    per_rep: dict[int, list[Target]] = defaultdict(list)
    for target in covering:
        if target.owner_rep_id is not None:
            per_rep[target.owner_rep_id].append(target)
    shortest = {rep_id: max(targets, key=width) for rep_id, targets in per_rep.items()}
    return unit_targets, shortest
