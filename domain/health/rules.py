"""The health dashboard's rules as plain functions: each indicator's direction and status
against its threshold, the statistics behind the values, per-month rates and the ranking
of the leaderboard (DESIGN.md §3 "Health dashboard")."""

from __future__ import annotations

import math
import statistics
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from domain.alerts.rules import FromMapping
from domain.labels import LabelledEnum, register

# The average length of a month in days (365.25 / 12, rounded as the field quotes it): a
# period of `days` days lasts `days / 30.44` months.
DAYS_PER_MONTH = 30.44
# Values this close to a threshold count as on it (floating-point noise, e.g. a square root).
TOLERANCE = 1e-9


@dataclass(frozen=True)
class HealthThresholds(FromMapping):
    """The health dashboard's four indicators (DESIGN.md §3)."""

    effective_follow_up_rate: float = 0.65  # at least
    lead_to_qualified_days: float = 3.2  # median, at most
    first_deal_stddev_days: float = 15  # at most
    proactive_inquiries_per_month: float = 2.8  # per high-value customer, at least


@register
class IndicatorStatus(LabelledEnum):
    GREEN = ("green", "达标", "On track")
    RED = ("red", "未达标", "Off track")
    NO_DATA = ("no_data", "无数据", "No data")


@register
class ThresholdDirection(LabelledEnum):
    AT_LEAST = ("at_least", "不低于阈值", "At least the threshold")
    AT_MOST = ("at_most", "不高于阈值", "At most the threshold")


@register
class HealthIndicatorKind(LabelledEnum):
    """The four indicators; each value is also the name of its threshold in settings."""

    EFFECTIVE_FOLLOW_UP_RATE = (
        "effective_follow_up_rate",
        "有效跟进率",
        "Effective follow-up rate",
    )
    LEAD_TO_QUALIFIED_DAYS = (
        "lead_to_qualified_days",
        "线索到需求确认周期中位数（天）",
        "Lead → qualified cycle, median days",
    )
    FIRST_DEAL_STDDEV_DAYS = (
        "first_deal_stddev_days",
        "新人首单周期标准差（天）",
        "New reps' first-deal cycle, standard deviation in days",
    )
    PROACTIVE_INQUIRIES_PER_MONTH = (
        "proactive_inquiries_per_month",
        "高价值客户月均主动询价次数",
        "High-value customers' proactive inquiries per month",
    )


DIRECTIONS = {
    HealthIndicatorKind.EFFECTIVE_FOLLOW_UP_RATE: ThresholdDirection.AT_LEAST,
    HealthIndicatorKind.LEAD_TO_QUALIFIED_DAYS: ThresholdDirection.AT_MOST,
    HealthIndicatorKind.FIRST_DEAL_STDDEV_DAYS: ThresholdDirection.AT_MOST,
    HealthIndicatorKind.PROACTIVE_INQUIRIES_PER_MONTH: ThresholdDirection.AT_LEAST,
}


def status_of(
    value: float | None, threshold: float, direction: ThresholdDirection
) -> IndicatorStatus:
    """GREEN when the value meets the threshold (a value on the threshold meets it), RED
    when it does not, NO_DATA without a value."""
    if value is None:
        return IndicatorStatus.NO_DATA
    if math.isclose(value, threshold, rel_tol=TOLERANCE, abs_tol=TOLERANCE):
        return IndicatorStatus.GREEN
    met = value > threshold if direction == ThresholdDirection.AT_LEAST else value < threshold
    return IndicatorStatus.GREEN if met else IndicatorStatus.RED


@dataclass(frozen=True)
class Indicator:
    kind: HealthIndicatorKind
    value: float | None
    threshold: float
    sample_size: int  # what the value is computed over (follow-ups, deals, reps, accounts)

    @property
    def direction(self) -> ThresholdDirection:
        return DIRECTIONS[self.kind]

    @property
    def status(self) -> IndicatorStatus:
        return status_of(self.value, self.threshold, self.direction)


def indicator(
    kind: HealthIndicatorKind, value: float | None, sample_size: int, thresholds: HealthThresholds
) -> Indicator:
    return Indicator(kind, value, float(getattr(thresholds, kind.value)), sample_size)


# --- the values -------------------------------------------------------------------------


def share(part: int, whole: int) -> float | None:
    """part ÷ whole, None when there is nothing to divide."""
    return part / whole if whole else None


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def population_stddev(values: Sequence[float]) -> float | None:
    """The population standard deviation; None with fewer than two values (one new rep's
    cycle says nothing about how much cycles vary)."""
    return statistics.pstdev(values) if len(values) >= 2 else None


def months_in(start: date, end: date) -> float:
    """The length of [start, end] (both days included) in average months."""
    return ((end - start).days + 1) / DAYS_PER_MONTH


def per_account_per_month(events: int, accounts: int, months: float) -> float | None:
    """Events ÷ accounts ÷ months; None without accounts (nobody to ask)."""
    if accounts <= 0 or months <= 0:
        return None
    return events / accounts / months


def hire_window_start(end: date) -> date:
    """The first hire date counted as new on `end`: the day after the same date a year
    earlier (29 February → 28 February), so the window is the 12 months up to `end`."""
    try:
        year_before = end.replace(year=end.year - 1)
    except ValueError:  # 29 February
        year_before = end.replace(year=end.year - 1, day=28)
    return year_before + timedelta(days=1)


def days_to_first_deal(hired: date, first_deal: date) -> int:
    return (first_deal - hired).days


# --- the leaderboard --------------------------------------------------------------------


def competition_ranks(values: Sequence[tuple[Hashable, int]]) -> dict[Hashable, int]:
    """Rank by value, highest first; equal values share a rank and the next rank skips
    (1, 2, 2, 4). The input order breaks no ties: it only orders the output."""
    ordered = sorted(values, key=lambda item: -item[1])
    ranks: dict[Hashable, int] = {}
    previous = None
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[key] = rank
    return ranks


def clamp_size(size: int, cap: int) -> int:
    """A requested list length within 1..cap."""
    return max(1, min(size, cap))
