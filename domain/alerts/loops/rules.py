"""The loops' rules as plain functions: when a dashboard indicator opens its task, how long a
customer has been silent in working hours, which missed KPI points at which capability
dimension and which senior helps, when a unit's calibration is due and what to suggest.

The mapping from a missed behaviour KPI to the capability dimension a senior helps with
(`KPI_DIMENSION`):

- touches → objection_handling: too few touches is mostly a rep stopped by "no time", "send
  me something" — getting past those brush-offs is objection handling;
- needs_confirmed → needs_discovery (需求深挖): a need is confirmed by digging for it;
- proposals_sent → solution_presentation (方案呈现): turning a need into a proposal;
- demos_booked → product_knowledge: a demo is booked by showing what the product does.

The weak KPI of an alert is the one missed on most days of its streak (ties: the order of
`domain.pipeline.kpis.KPIS`)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.alerts.models import TaskKind
from domain.alerts.rules import FromMapping, ThresholdError
from domain.pipeline.kpis import KPIS
from domain.targets.rules import Pace

KPI_DIMENSION: dict[str, str] = {
    "touches": "objection_handling",
    "needs_confirmed": "needs_discovery",
    "proposals_sent": "solution_presentation",
    "demos_booked": "product_knowledge",
}
# Follow-ups that send the customer material; a quote is a proposal with prices here.
MATERIAL_TYPES = ("whitepaper_sent", "proposal_sent", "quote_sent")
FORTNIGHT_EPOCH = date(2024, 1, 1)  # a Monday: fortnights start every 14 days from it


@dataclass(frozen=True)
class LoopThresholds(FromMapping):
    """When the loops act (issue 19; the field's dashboard table)."""

    follow_up_rate_below: float = 0.6
    lead_to_qualified_days_over: float = 5
    first_deal_stddev_days_over: float = 25
    inquiries_per_month_below: float = 2
    inquiry_months: int = 2
    window_days: int = 30  # the rolling window of the first three indicators
    min_follow_ups: int = 10  # fewer follow-ups in the window say nothing about the rate
    top_customers: int = 3
    second_touch_hours: float = 24  # working hours
    second_touch_lookback_days: int = 10
    calibration_every_days: int = 14
    calibration_tolerance: float = 0.1  # support within ±10% of the amount: keep it
    task_due_days: int = 2

    def check(self) -> None:
        if self.follow_up_rate_below > 1 or self.calibration_tolerance >= 1:
            raise ThresholdError("follow_up_rate_below and calibration_tolerance must be ≤ 1")
        if min(self.inquiry_months, self.window_days, self.top_customers) < 1:
            raise ThresholdError("inquiry_months, window_days and top_customers must be ≥ 1")
        if self.second_touch_lookback_days < 1 or self.calibration_every_days < 1:
            raise ThresholdError("lookback and calibration days must be ≥ 1")


# --- dashboard actions ------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """A team's dashboard values over the window (None: no data)."""

    follow_ups: int
    delivered: int
    cycle_median: float | None
    qualified: int
    spread: float | None
    new_reps: int


@dataclass(frozen=True)
class Action:
    kind: TaskKind
    details: dict[str, Any]


def dashboard_actions(reading: Reading, th: LoopThresholds) -> list[Action]:
    """The first three indicators' actions for one reading (strictly past the threshold)."""
    actions = []
    rate = reading.delivered / reading.follow_ups if reading.follow_ups else None
    if (
        rate is not None
        and reading.follow_ups >= th.min_follow_ups
        and rate < th.follow_up_rate_below
    ):
        actions.append(
            Action(
                TaskKind.FOLLOW_UP_REVIEW,
                {
                    "effective_follow_up_rate": round(rate, 4),
                    "threshold": th.follow_up_rate_below,
                    "follow_ups": reading.follow_ups,
                    "delivered_value": reading.delivered,
                },
            )
        )
    if reading.cycle_median is not None and reading.cycle_median > th.lead_to_qualified_days_over:
        actions.append(
            Action(
                TaskKind.JOINT_DIAGNOSIS,
                {
                    "lead_to_qualified_median_days": round(reading.cycle_median, 2),
                    "threshold": th.lead_to_qualified_days_over,
                    "qualified": reading.qualified,
                },
            )
        )
    if reading.spread is not None and reading.spread > th.first_deal_stddev_days_over:
        actions.append(
            Action(
                TaskKind.MENTORING_AUDIT,
                {
                    "first_deal_stddev_days": round(reading.spread, 2),
                    "threshold": th.first_deal_stddev_days_over,
                    "new_reps": reading.new_reps,
                },
            )
        )
    return actions


def inquiry_action(months: Sequence[tuple[date, int, int]], th: LoopThresholds) -> Action | None:
    """`months`: (first day, inquiries, high-value accounts) of the last complete months,
    oldest first. Below the threshold in each of the last `inquiry_months` → upgrade."""
    last = list(months)[-th.inquiry_months :]
    if len(last) < th.inquiry_months or any(accounts <= 0 for _, _, accounts in last):
        return None
    per_month = [(start, asked / accounts) for start, asked, accounts in last]
    if all(value < th.inquiries_per_month_below for _, value in per_month):
        return Action(
            TaskKind.SERVICE_UPGRADE,
            {
                "inquiries_per_month": {s.isoformat(): round(v, 3) for s, v in per_month},
                "accounts": {s.isoformat(): n for s, _, n in last},
                "inquiries": {s.isoformat(): a for s, a, _ in last},
                "threshold": th.inquiries_per_month_below,
            },
        )
    return None


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(start: date) -> date:
    """The first day of the month after the one starting `start` (exclusive end)."""
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def complete_months_before(day: date, count: int) -> list[date]:
    """The first days of the `count` complete months before `day`'s month, oldest first."""
    starts = []
    current = month_start(day)
    for _ in range(count):
        current = month_start(current - timedelta(days=1))
        starts.append(current)
    return list(reversed(starts))


def health_key(kind: TaskKind, unit_id: int, period: date) -> str:
    """Once per unit, indicator and month: replays and reruns find the same key."""
    return f"health:{kind.value}:{unit_id}:{period:%Y-%m}"


# --- second touch -----------------------------------------------------------------------


def working_hours_between(
    start: datetime, end: datetime, zone: ZoneInfo, is_working: Callable[[date], bool]
) -> float:
    """Hours of [start, end) that fall on the company's working days (local days; a
    non-working day adds none)."""
    if end <= start:
        return 0.0
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    hours = 0.0
    day = local_start.date()
    while day <= local_end.date():
        if is_working(day):
            day_begin = datetime.combine(day, time.min, zone)
            day_finish = datetime.combine(day + timedelta(days=1), time.min, zone)
            low, high = max(local_start, day_begin), min(local_end, day_finish)
            if high > low:
                hours += (high - low).total_seconds() / 3600
        day += timedelta(days=1)
    return hours


def second_touch_due(waited_hours: float, answered: bool, th: LoopThresholds) -> bool:
    """Material sent, no customer response since, and the working hours have run out."""
    return not answered and waited_hours >= th.second_touch_hours


SECOND_TOUCH_HINTS: dict[str, tuple[str, str]] = {
    "whitepaper_sent": (
        "电话确认白皮书中与客户最相关的一节，并约一次技术交流",
        "Call to walk through the whitepaper's most relevant section and book a technical talk",
    ),
    "proposal_sent": (
        "约客户逐项过一遍方案，确认顾虑与决策时间表",
        "Walk the customer through the proposal and confirm concerns and timeline",
    ),
    "quote_sent": (
        "约客户逐项过一遍报价，问清价格顾虑与审批流程",
        "Walk the customer through the quote and ask about price concerns and approvals",
    ),
}


# --- senior help on orange --------------------------------------------------------------


def weak_kpi(missed_by_day: Mapping[str, Iterable[str]]) -> str | None:
    """The KPI missed on most days (ties: the order of KPIS); None when none was missed."""
    counts = Counter(kpi for missed in missed_by_day.values() for kpi in missed)
    known = [kpi for kpi in KPIS if counts[kpi] > 0]
    if not known:
        return None
    return max(known, key=lambda kpi: (counts[kpi], -KPIS.index(kpi)))


@dataclass(frozen=True)
class Candidate:
    rep_id: int
    score: float | None  # effective score in the weak dimension


def pick_senior(
    candidates: Sequence[Candidate], rep_score: float | None, busy: set[int]
) -> Candidate | None:
    """The strongest candidate in the dimension who is not helping anyone that week and
    scores above the rep (when the rep has a score); ties: the lower id."""
    eligible = [
        c
        for c in candidates
        if c.rep_id not in busy
        and c.score is not None
        and (rep_score is None or c.score > rep_score)
    ]
    if not eligible:
        return None
    return max(eligible, key=lambda c: (c.score or 0.0, -c.rep_id))


def next_week_start(day: date) -> date:
    """The Monday after `day` (a Monday's next week starts seven days later)."""
    return day + timedelta(days=7 - day.weekday())


# --- calibration rhythm -----------------------------------------------------------------


def fortnight_start(day: date) -> date:
    return FORTNIGHT_EPOCH + timedelta(days=14 * ((day - FORTNIGHT_EPOCH).days // 14))


def calibration_due(last: date | None, day: date, every_days: int) -> bool:
    """No calibration in the `every_days` days up to and including `day`."""
    return last is None or (day - last).days >= every_days


def calibration_key(unit_id: int, day: date) -> str:
    return f"calibration_due:{unit_id}:{fortnight_start(day).isoformat()}"


def suggestion(pace: Pace, tolerance: float) -> dict[str, Any]:
    """What pace and pipeline support for a target: the better of the run-rate projection
    and achieved + weighted open pipeline. Within ±tolerance of the amount: keep; else
    suggest that amount (rounded down to whole minor units), to lower or raise. Nothing
    achieved and no pipeline is no evidence either way: review, keeping the amount."""
    support = max(pace.projection, pace.pipeline_projection)
    amount = pace.target
    if amount <= 0:
        direction, suggested = "keep", amount
    elif support <= 0:
        direction, suggested = "review", amount
    elif support < amount * (1 - tolerance):
        direction, suggested = "lower", math.floor(support)
    elif support > amount * (1 + tolerance):
        direction, suggested = "raise", math.floor(support)
    else:
        direction, suggested = "keep", amount
    return {
        "amount": amount,
        "achieved": pace.achieved,
        "expected_to_date": round(pace.expected_to_date),
        "pace_ratio": None if pace.pace_ratio is None else round(pace.pace_ratio, 4),
        "projection": round(pace.projection),
        "weighted_pipeline": round(pace.weighted_pipeline),
        "pipeline_projection": round(pace.pipeline_projection),
        "direction": direction,
        "suggested_amount": suggested,
        "change": suggested - amount,
    }
