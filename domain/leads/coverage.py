"""Routing coverage for managers: per segment and week (or month), how many leads were routed
and how many of them found no eligible rep specialising in their segment.

A lead counts once per segment and period in which it had a decision; it counts as uncovered
there when any of its decisions of that period was flagged (`RoutingDecision.segment_uncovered`,
set by routing when no rep passing the lead's filters, capacity aside, had the segment among
their specialties). Periods are of company days: a decision belongs to the week (Monday to
Sunday) or month of its company-local date. The caller sees the leads of their scope only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.actor import Actor
from domain.kernel.time import as_utc, check_forwards, utc_day_bounds
from domain.labels import LabelledEnum, register
from domain.leads.models import Lead, RoutingDecision
from domain.leads.service import lead_visible


@register
class CoveragePeriod(LabelledEnum):
    WEEK = ("week", "按周", "By week")
    MONTH = ("month", "按月", "By month")


def period_start(day: date, period: CoveragePeriod) -> date:
    """The Monday of the day's week, or the first of its month."""
    if period is CoveragePeriod.WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def period_label(start: date, period: CoveragePeriod, language: str) -> str:
    """ "2026 年第 49 周" / "Week 49 of 2026"; "2026 年 12 月" / "December 2026"."""
    if period is CoveragePeriod.WEEK:
        year, week, _ = start.isocalendar()
        return f"Week {week} of {year}" if language == "en" else f"{year} 年第 {week} 周"
    if language == "en":
        return start.strftime("%B %Y")
    return f"{start.year} 年 {start.month} 月"


@dataclass(frozen=True)
class CoverageRow:
    segment: str
    period_start: date
    leads: int
    uncovered: int

    @property
    def uncovered_share(self) -> float:
        return self.uncovered / self.leads if self.leads else 0.0

    def label(self, period: CoveragePeriod, language: str) -> str:
        """The row in a sentence in the reader's language."""
        when = period_label(self.period_start, period, language)
        if language != "en":
            return (
                f"{when}，行业 {self.segment}：{self.leads} 条线索中 "
                f"{self.uncovered} 条无符合条件的专长销售"
            )
        leads = "lead" if self.leads == 1 else "leads"
        return (
            f"{when}, segment {self.segment}: {self.uncovered} of {self.leads} {leads} "
            "had no eligible specialist"
        )


def tally(
    decisions: list[tuple[int, str, datetime, bool]], zone: ZoneInfo, period: CoveragePeriod
) -> list[CoverageRow]:
    """(lead id, segment, decided at, flagged) → rows by segment, then period."""
    leads: dict[tuple[str, date], set[int]] = defaultdict(set)
    uncovered: dict[tuple[str, date], set[int]] = defaultdict(set)
    for lead_id, segment, decided_at, flagged in decisions:
        key = (segment, period_start(as_utc(decided_at).astimezone(zone).date(), period))
        leads[key].add(lead_id)
        if flagged:
            uncovered[key].add(lead_id)
    return [
        CoverageRow(segment, start, len(leads[(segment, start)]), len(uncovered[(segment, start)]))
        for segment, start in sorted(leads)
    ]


async def coverage_report(
    session: AsyncSession,
    actor: Actor,
    *,
    start: date,
    end: date,
    period: CoveragePeriod,
    timezone: str,
) -> list[CoverageRow]:
    """Decisions made on company days [start, end] about leads the actor sees, tallied.
    INVALID_RANGE when end is before start."""
    check_forwards(start, end)
    zone = ZoneInfo(timezone)
    begin, finish = utc_day_bounds(start, end, zone)
    rows = await session.execute(
        select(
            RoutingDecision.lead_id,
            Lead.segment,
            RoutingDecision.decided_at,
            RoutingDecision.segment_uncovered,
        )
        .join(Lead, Lead.id == RoutingDecision.lead_id)
        .where(
            lead_visible(actor),
            RoutingDecision.decided_at >= begin,
            RoutingDecision.decided_at < finish,
        )
    )
    return tally([(row[0], row[1], row[2], row[3]) for row in rows], zone, period)
