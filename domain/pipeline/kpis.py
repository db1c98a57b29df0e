"""Daily behaviour KPIs per rep: touches, needs confirmed, proposals sent, demos booked,
each against the minimum for the rep's level, with the current streak of missed days."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import InvalidInput
from domain.kernel.actor import Actor
from domain.kernel.errors import KernelError
from domain.kernel.time import as_utc, utc_day_bounds
from domain.org.models import OrgUnit, Rep, RepLevel
from domain.org.service import rep_visible, units_in_subtree
from domain.pipeline.models import FollowUp, FollowUpType, Opportunity, StageTransition
from domain.pipeline.stages import Stage

KPIS = ("touches", "needs_confirmed", "proposals_sent", "demos_booked")
# The field's daily minimums by level (DESIGN.md §3).
DEFAULT_MINIMUMS: dict[str, dict[str, int]] = {
    RepLevel.JUNIOR.value: {
        "touches": 8,
        "needs_confirmed": 2,
        "proposals_sent": 1,
        "demos_booked": 1,
    },
    RepLevel.MID.value: {
        "touches": 6,
        "needs_confirmed": 3,
        "proposals_sent": 2,
        "demos_booked": 2,
    },
    RepLevel.SENIOR.value: {
        "touches": 4,
        "needs_confirmed": 3,
        "proposals_sent": 3,
        "demos_booked": 3,
    },
}
TOUCHES = {
    FollowUpType.CALL,
    FollowUpType.VISIT,
    FollowUpType.EMAIL,
    FollowUpType.INSTANT_MESSAGE,
    FollowUpType.DEMO_HELD,
}
COUNTED_TYPES = {
    FollowUpType.PROPOSAL_SENT.value: "proposals_sent",
    FollowUpType.DEMO_BOOKED.value: "demos_booked",
}
MAX_DAYS = 92
# A need confirmed with the customer may be recorded (the deal advanced to qualified) up to
# this many days later; the KPI counts it on the day it was confirmed.
NEED_BACKFILL_DAYS = 30


def need_confirmed_day(entered: date, qualification: Mapping | None) -> date:
    """The day a need counts for: the qualification's `need_confirmed_on` when it is a date
    on or before the advance and at most NEED_BACKFILL_DAYS earlier, else the advance's day."""
    given = (qualification or {}).get("need_confirmed_on")
    try:
        day = date.fromisoformat(given) if isinstance(given, str) else None
    except ValueError:
        day = None
    if day is None or day > entered or day < entered - timedelta(days=NEED_BACKFILL_DAYS):
        return entered
    return day


def check_minimums(minimums: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """Every level with every KPI as a non-negative whole number."""
    cleaned = {}
    for level in RepLevel:
        row = minimums.get(level.value)
        if (
            row is None
            or set(row) != set(KPIS)
            or any(not isinstance(v, int) or v < 0 for v in row.values())
        ):
            raise ValueError(
                f"minimums for {level.value} need {', '.join(KPIS)} as whole numbers ≥ 0"
            )
        cleaned[level.value] = dict(row)
    return cleaned


@dataclass(frozen=True)
class KpiDay:
    day: date
    counts: dict[str, int]
    minimums: dict[str, int]

    @property
    def missed(self) -> list[str]:
        return [kpi for kpi in KPIS if self.counts.get(kpi, 0) < self.minimums[kpi]]

    @property
    def hit(self) -> bool:
        return not self.missed


def miss_streak(days: list[KpiDay]) -> int:
    """Working days missed in a row, counting back from the last day."""
    streak = 0
    for day in reversed(days):
        if day.hit:
            break
        streak += 1
    return streak


@dataclass(frozen=True)
class RepKpis:
    rep: Rep
    days: list[KpiDay]

    @property
    def miss_streak(self) -> int:
        return miss_streak(self.days)


async def kpi_report(
    session: AsyncSession,
    actor: Actor,
    *,
    start: date,
    end: date,
    is_working: Callable[[date], bool],
    timezone: str,
    minimums: Mapping[str, Mapping[str, int]] = DEFAULT_MINIMUMS,
    unit_id: int | None = None,
) -> list[RepKpis]:
    """Per active rep in scope (optionally only a unit's subtree), per working day in
    [start, end]."""
    if end < start or (end - start).days > MAX_DAYS:
        raise InvalidInput(
            KernelError.INVALID_RANGE,
            f"日期范围必须有效且不超过 {MAX_DAYS} 天",
            f"The range must run forwards and span at most {MAX_DAYS} days",
            "to",
        )
    stmt = select(Rep).where(rep_visible(actor), Rep.status == "active").order_by(Rep.id)
    if unit_id is not None:
        root = await session.get(OrgUnit, unit_id)
        stmt = stmt.where(Rep.unit_id.in_(units_in_subtree(root.path if root else "\0")))
    reps = list(await session.scalars(stmt))
    zone = ZoneInfo(timezone)
    counts = await _counts(session, [r.id for r in reps], start, end, zone)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    working = [day for day in days if is_working(day)]
    return [
        RepKpis(
            rep,
            [
                KpiDay(day, dict(counts[(rep.id, day)]), dict(minimums[rep.level]))
                for day in working
            ],
        )
        for rep in reps
    ]


async def _counts(session, rep_ids: list[int], start: date, end: date, zone: ZoneInfo):
    """(rep, local day) → Counter of KPI counts, from follow-ups and stage entries."""
    counts: dict[tuple[int, date], Counter] = defaultdict(Counter)
    if not rep_ids:
        return counts
    begin, finish = utc_day_bounds(start, end, zone)
    touches = {t.value for t in TOUCHES}
    rows = await session.execute(
        select(FollowUp.rep_id, FollowUp.occurred_at, FollowUp.type).where(
            FollowUp.rep_id.in_(rep_ids),
            FollowUp.occurred_at >= begin,
            FollowUp.occurred_at < finish,
        )
    )
    for rep_id, occurred_at, kind in rows:
        day = as_utc(occurred_at).astimezone(zone).date()
        if kind in touches:
            counts[(rep_id, day)]["touches"] += 1
        if kind in COUNTED_TYPES:
            counts[(rep_id, day)][COUNTED_TYPES[kind]] += 1
    # by the day the need was confirmed: an advance recorded up to NEED_BACKFILL_DAYS later
    # still counts on that day
    confirmed = await session.execute(
        select(Opportunity.owner_rep_id, StageTransition.at, Opportunity.qualification)
        .join(Opportunity, Opportunity.id == StageTransition.opportunity_id)
        .where(
            StageTransition.to_stage == Stage.QUALIFIED.value,
            StageTransition.action == "advance",
            StageTransition.at >= begin,
            StageTransition.at < finish + timedelta(days=NEED_BACKFILL_DAYS),
            Opportunity.owner_rep_id.in_(rep_ids),
        )
    )
    for rep_id, at, qualification in confirmed:
        day = need_confirmed_day(as_utc(at).astimezone(zone).date(), qualification)
        if start <= day <= end:
            counts[(rep_id, day)]["needs_confirmed"] += 1
    return counts
