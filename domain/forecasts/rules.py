"""The plain rules of forecasting: which category a deal reads, which week a call belongs to
and when it freezes, how calls roll up the tree, which call is on record for a closed
period, how a forecast is scored against what was actually sold, and when a unit's call
deserves an alert. No database here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from domain.errors import InvalidInput
from domain.forecasts.errors import ForecastError
from domain.forecasts.models import (
    CALL_METRICS,
    CALL_PERIOD_KINDS,
    SETTABLE_CATEGORIES,
    ForecastCategory,
)
from domain.pipeline.stages import Stage
from domain.targets.models import PeriodKind
from domain.targets.periods import Period

T = TypeVar("T")

# --- categories -------------------------------------------------------------------------


def effective_category(stage: str, stored: str) -> ForecastCategory:
    """What a deal reads: `won` once won, `omitted` once lost, else the owner's choice."""
    if stage == Stage.WON.value:
        return ForecastCategory.WON
    if stage == Stage.LOST.value:
        return ForecastCategory.OMITTED
    return ForecastCategory(stored)


def check_settable(category: ForecastCategory) -> ForecastCategory:
    """An owner sets pipeline, best case, commit or omitted; `won` only comes with the win."""
    if category not in SETTABLE_CATEGORIES:
        raise InvalidInput(
            ForecastError.INVALID_CATEGORY,
            "“已成交”由赢单自动得出，不能手工设置",
            "WON follows from winning the deal and cannot be set by hand",
            "category",
        )
    return category


# --- the week of a call, and its period ---------------------------------------------------


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def call_week(week_start: date | None, today: date) -> date:
    """The ISO week a call is made in: the current one (company time). A past week is
    frozen (WEEK_FROZEN), a future one not open yet (WEEK_NOT_STARTED)."""
    current = monday_of(today)
    if week_start is None:
        return current
    if week_start.weekday() != 0:
        raise InvalidInput(
            ForecastError.INVALID_WEEK,
            "周必须从周一开始",
            "A week starts on a Monday",
            "week_start",
        )
    if week_start < current:
        raise InvalidInput(
            ForecastError.WEEK_FROZEN,
            f"{week_start} 这一周已结束，预测已冻结",
            f"The week of {week_start} has ended; its calls are frozen",
            "week_start",
        )
    if week_start > current:
        raise InvalidInput(
            ForecastError.WEEK_NOT_STARTED,
            f"{week_start} 这一周尚未开始",
            f"The week of {week_start} has not started",
            "week_start",
        )
    return week_start


def check_metric(metric: str) -> str:
    if metric not in CALL_METRICS:
        raise InvalidInput(
            ForecastError.UNSUPPORTED_METRIC,
            "预测只支持销售额",
            "Calls are made for revenue only",
            "metric",
        )
    return metric


def call_period(kind: PeriodKind, start: date) -> Period:
    """A month or a quarter, starting on its first day (INVALID_PERIOD otherwise)."""
    aligned = start.day == 1 and (kind == PeriodKind.MONTH or start.month in (1, 4, 7, 10))
    if kind.value not in CALL_PERIOD_KINDS or not aligned:
        raise InvalidInput(
            ForecastError.INVALID_PERIOD,
            "预测周期须为自然月或季度，并从其首日开始",
            "A call is for a calendar month or quarter, starting on its first day",
            "period_start",
        )
    return Period(kind, start)


def check_period_open(period: Period, week_start: date) -> None:
    """A call is made for a period that has not ended before its week began."""
    if period.end <= week_start:
        raise InvalidInput(
            ForecastError.PERIOD_CLOSED,
            f"{period.label()} 已结束，不能再预测",
            f"{period.label()} has ended; it can no longer be called",
            "period_start",
        )


# --- amounts and roll-ups -----------------------------------------------------------------


@dataclass(frozen=True)
class CallAmounts:
    commit: int
    best_case: int


def _amount(value: int | None, field: str) -> int:
    if value is None:
        raise InvalidInput(ForecastError.AMOUNT_REQUIRED, "请填写金额", "Give the amount", field)
    if value < 0:
        raise InvalidInput(
            ForecastError.NEGATIVE_AMOUNT, "金额不能为负", "Must not be negative", field
        )
    return value


def check_amounts(commit: int | None, best_case: int | None) -> CallAmounts:
    """Both given, neither negative, best case at least the commit."""
    amounts = CallAmounts(_amount(commit, "commit"), _amount(best_case, "best_case"))
    if amounts.best_case < amounts.commit:
        raise InvalidInput(
            ForecastError.BEST_CASE_BELOW_COMMIT,
            "最佳情况不能低于承诺金额",
            "The best case cannot be below the commit",
            "best_case",
        )
    return amounts


def roll_up(calls: Iterable[CallAmounts | None]) -> CallAmounts:
    """The sum of the calls below (a missing call counts nothing)."""
    present = [call for call in calls if call is not None]
    return CallAmounts(sum(c.commit for c in present), sum(c.best_case for c in present))


def latest_by_week(calls: Sequence[tuple[date, T]], week_start: date) -> T | None:
    """The call standing in `week_start`: the one of that week, else the latest before it
    (a call carries forward until its owner makes a new one)."""
    standing = [(week, call) for week, call in calls if week <= week_start]
    return max(standing, key=lambda pair: pair[0])[1] if standing else None


def call_of_record(calls: Sequence[tuple[date, T]], period: Period) -> T | None:
    """The call a closed period is scored on: the last one frozen before the period began
    (its week started before the period's first day); when the owner first called inside
    the period, the first week's frozen call. Later weeks inside the period know part of
    the outcome and are not scored."""
    before = [(week, call) for week, call in calls if week < period.start]
    if before:
        return max(before, key=lambda pair: pair[0])[1]
    inside = [(week, call) for week, call in calls if week < period.end]
    return min(inside, key=lambda pair: pair[0])[1] if inside else None


# --- scoring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """One forecast against the actual: `error` = |forecast − actual| ÷ actual, `bias` =
    (forecast − actual) ÷ actual (positive: too optimistic). Both null when nothing was
    sold (a ratio to zero means nothing)."""

    forecast: int
    actual: int
    error: float | None
    bias: float | None


def score(forecast: int, actual: int) -> Score:
    if actual <= 0:
        return Score(forecast, actual, None, None)
    bias = (forecast - actual) / actual
    return Score(forecast, actual, abs(bias), bias)


@dataclass(frozen=True)
class Record:
    """A forecaster's record over periods: mean absolute error, mean bias, periods scored."""

    mean_error: float | None
    mean_bias: float | None
    scored: int


def record(scores: Iterable[Score | None]) -> Record:
    rated = [s for s in scores if s is not None and s.error is not None and s.bias is not None]
    if not rated:
        return Record(None, None, 0)
    n = len(rated)
    return Record(
        sum(s.error for s in rated if s.error is not None) / n,
        sum(s.bias for s in rated if s.bias is not None) / n,
        n,
    )


# --- alerts -------------------------------------------------------------------------------


def commit_short_of_target(commit: int, target: int, ratio: float) -> bool:
    """The commit covers less than `ratio` of the target (below the pace to make it)."""
    return target > 0 and commit < target * ratio


def drift(commit: int, expected: int) -> float | None:
    """How far the call is from the model, as a share of the model's expectation."""
    if expected <= 0:
        return None
    return (commit - expected) / expected
