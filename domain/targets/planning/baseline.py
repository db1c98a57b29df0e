"""Baseline suggestion: what an owner would sell in a period if nothing changed.

DESIGN.md §3 "Baseline": weekly history of the last 18 months, one-off orders removed, a
moving average, a month-of-year profile, dated business coefficients, then a new-rep ramp.
Every step keeps its value and a sentence, so the owner of a target can see why.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from domain.errors import InvalidInput
from domain.labels import LabelledEnum
from domain.targets.errors import TargetError
from domain.targets.models import MetricUnit

DAYS_PER_MONTH = 365.2425 / 12
WEEKS_FOR_SEASONALITY = 52
# 0.6745 is the normal quantile that makes the MAD comparable to a standard deviation.
_MAD_SCALE = Fraction(6745, 10000)
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


class StepCode(LabelledEnum):
    HISTORY = ("HISTORY", "历史数据", "History")
    OUTLIERS = ("OUTLIERS", "剔除一次性大单", "One-off orders removed")
    MOVING_AVERAGE = ("MOVING_AVERAGE", "移动平均", "Moving average")
    SEASONALITY = ("SEASONALITY", "季节性", "Seasonality")
    COEFFICIENTS = ("COEFFICIENTS", "业务系数", "Business coefficients")
    RAMP = ("RAMP", "新人爬坡", "New-rep ramp")
    RESULT = ("RESULT", "建议基线", "Suggested baseline")


@dataclass(frozen=True)
class HistoricDeal:
    close_date: date
    amount: int  # minor units; 1 per deal for count metrics
    one_off: bool
    segment: str


@dataclass(frozen=True)
class Coefficient:
    """A dated business event, both dates inclusive; `segment` None applies to everything."""

    name: str
    start: date
    end: date
    multiplier: float
    segment: str | None = None


@dataclass(frozen=True)
class BaselineSettings:
    history_months: int = 18
    moving_average_weeks: int = 13
    outlier_threshold: float = 3.5
    ramp_months: int = 6
    ramp_floor: float = 0.3


@dataclass(frozen=True)
class BaselineStep:
    code: str
    label_zh: str
    label_en: str
    value: float
    detail_zh: str
    detail_en: str


@dataclass(frozen=True)
class Baseline:
    amount: int
    steps: list[BaselineStep]


def iso_week_start(day: date) -> date:
    """The Monday of the ISO week of `day`."""
    return day - timedelta(days=day.weekday())


def modified_z_scores(values: Sequence[int]) -> list[float]:
    """Iglewicz–Hoaglin scores 0.6745·(x − median)/MAD; all 0 when the MAD is 0.

    Exact fractions up to the final float, so scaling every value by k gives the same scores.
    """
    exact = [Fraction(v) for v in values]
    if not exact:
        return []
    median = statistics.median(exact)
    mad = statistics.median([abs(v - median) for v in exact])
    if mad == 0:
        return [0.0] * len(exact)
    return [float(_MAD_SCALE * (v - median) / mad) for v in exact]


def suggest_baseline(
    deals: Sequence[HistoricDeal],
    period_start: date,
    period_end: date,
    coefficients: Sequence[Coefficient] = (),
    hire_date: date | None = None,
    settings: BaselineSettings = BaselineSettings(),
    *,
    unit: MetricUnit = MetricUnit.MONEY,
) -> Baseline:
    """The suggested baseline of [period_start, period_end) with every step explained."""
    _check(period_start, period_end, deals, coefficients, settings)
    steps: list[BaselineStep] = []

    def step(code: StepCode, value: float, zh: str, en: str) -> None:
        steps.append(BaselineStep(code.value, code.label_zh, code.label_en, value, zh, en))

    def fmt(value: float) -> str:
        return f"{value / 100:,.2f}" if unit == MetricUnit.MONEY else f"{value:,.1f}"

    days = [period_start + timedelta(n) for n in range((period_end - period_start).days)]
    window_start = _add_months(period_start, -settings.history_months)
    window = [d for d in deals if window_start <= d.close_date < period_start]
    total = sum(d.amount for d in window)
    last_day = period_start - timedelta(1)
    step(
        StepCode.HISTORY,
        total,
        f"{window_start} 至 {last_day} 共成交 {len(window)} 笔，合计 {fmt(total)}",
        f"{len(window)} deals closed from {window_start} to {last_day}, totalling {fmt(total)}",
    )

    flagged = [d for d in window if d.one_off]
    rest = [d for d in window if not d.one_off]
    scores = modified_z_scores([d.amount for d in rest])
    by_test = [d for d, z in zip(rest, scores, strict=True) if z > settings.outlier_threshold]
    cleaned = [d for d, z in zip(rest, scores, strict=True) if z <= settings.outlier_threshold]
    cleaned_total = sum(d.amount for d in cleaned)
    removed = sum(d.amount for d in flagged + by_test)
    n_removed = len(flagged) + len(by_test)
    step(
        StepCode.OUTLIERS,
        cleaned_total,
        f"剔除 {n_removed} 笔一次性订单（{len(flagged)} 笔已标记，{len(by_test)} 笔由离群检验"
        f"识别），合计 {fmt(removed)}；剩余 {fmt(cleaned_total)}",
        f"Removed {n_removed} one-off orders ({len(flagged)} flagged, {len(by_test)} by the "
        f"outlier test) worth {fmt(removed)}; {fmt(cleaned_total)} remains",
    )

    weeks, series = _weekly_series(cleaned, window_start, period_start)
    if not weeks:
        zh = f"前 {settings.history_months} 个月内没有可用的历史成交（已剔除一次性订单），基线为 0"
        en = (
            f"No usable history in the {settings.history_months} months before the period "
            "(one-off orders removed): the baseline is 0"
        )
        step(StepCode.MOVING_AVERAGE, 0.0, zh, en)
        for code in (StepCode.SEASONALITY, StepCode.COEFFICIENTS, StepCode.RAMP):
            step(code, 0.0, "无历史数据，跳过", "Skipped: no history")
        step(StepCode.RESULT, 0.0, "建议基线 0", "Suggested baseline: 0")
        return Baseline(0, steps)

    n_avg = min(settings.moving_average_weeks, len(series))
    level = sum(series[-n_avg:]) / n_avg
    period_weeks = len(days) / 7
    step(
        StepCode.MOVING_AVERAGE,
        level * period_weeks,
        f"最近 {n_avg} 周平均每周 {fmt(level)}，乘以目标期 {period_weeks:.2f} 周",
        f"Average of the last {n_avg} weeks: {fmt(level)} a week, "
        f"times {period_weeks:.2f} weeks in the period",
    )

    if len(series) >= WEEKS_FOR_SEASONALITY:
        index = _month_indices(weeks, series)
        window_index = statistics.fmean(index[_thursday(w).month] for w in weeks[-n_avg:])
        # The average was measured in particular months; take their season out of it.
        level = level / window_index if window_index > 0 else level
        months = sorted({d.month for d in days})
        listed_zh = "，".join(f"{m}月 {index[m]:.2f}" for m in months)
        listed_en = ", ".join(f"{_MONTHS[m - 1]} {index[m]:.2f}" for m in months)
        zh = (
            f"按 {len(series)} 周历史计算月份指数（目标期 {listed_zh}）；移动平均所在月份的指数为 "
            f"{window_index:.2f}，去季节后每周 {fmt(level)}"
        )
        en = (
            f"Month indices from {len(series)} weeks of history (period months {listed_en}); "
            f"the averaged weeks had an index of {window_index:.2f}, "
            f"so the underlying level is {fmt(level)} a week"
        )
    else:
        index = dict.fromkeys(range(1, 13), 1.0)
        zh = f"历史只有 {len(series)} 周，不足 12 个月，不做季节调整"
        en = f"Only {len(series)} weeks of history, less than 12 months: no seasonal adjustment"
    daily = [level / 7 * index[d.month] for d in days]
    step(StepCode.SEASONALITY, sum(daily), zh, en)

    notes_zh, notes_en = [], []
    for c in coefficients:
        covered = [i for i, d in enumerate(days) if c.start <= d <= c.end]
        if not covered:
            continue
        share = 1.0 if c.segment is None else _segment_share(cleaned, c.segment, cleaned_total)
        effective = 1 + share * (c.multiplier - 1)
        for i in covered:
            daily[i] *= effective
        if c.segment is None:
            notes_zh.append(f"{c.name} ×{c.multiplier:g}，覆盖 {len(covered)} 天")
            notes_en.append(f"{c.name} ×{c.multiplier:g} on {len(covered)} days")
        else:
            notes_zh.append(
                f"{c.name} ×{c.multiplier:g}（仅 {c.segment}，占历史 {share:.0%}，"
                f"折合 ×{effective:.3g}），覆盖 {len(covered)} 天"
            )
            notes_en.append(
                f"{c.name} ×{c.multiplier:g} for {c.segment} only ({share:.0%} of history, "
                f"×{effective:.3g} overall) on {len(covered)} days"
            )
    step(
        StepCode.COEFFICIENTS,
        sum(daily),
        "；".join(notes_zh) if notes_zh else "没有业务系数覆盖目标期",
        "; ".join(notes_en) if notes_en else "No business coefficient covers the period",
    )

    ramps = [_ramp(d, hire_date, settings) for d in days]
    if hire_date is None or all(r == 1.0 for r in ramps):
        step(StepCode.RAMP, sum(daily), "不是新人，不做爬坡调整", "Not a new rep: no ramp")
    elif hire_date >= period_end:
        daily = [0.0] * len(days)
        zh, en = (
            f"{hire_date} 才入职，晚于目标期：计 0",
            f"Hired on {hire_date}, after the period: 0",
        )
        step(StepCode.RAMP, 0.0, zh, en)
    else:
        daily = [v * r for v, r in zip(daily, ramps, strict=True)]
        working = [r for r in ramps if r > 0]
        low, high, before = min(working), max(working), len(ramps) - len(working)
        step(
            StepCode.RAMP,
            sum(daily),
            f"{hire_date} 入职：入职前的 {before} 天计 0，其余天数按满产能的 {low:.0%}–{high:.0%}"
            f"计算（入职 {settings.ramp_months} 个月后达到 100%）",
            f"Hired on {hire_date}: {before} days before the hire date count 0, the other days "
            f"at {low:.0%}–{high:.0%} of full output (100% after {settings.ramp_months} months)",
        )

    value = steps[-1].value
    amount = int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    step(
        StepCode.RESULT,
        float(amount),
        f"建议基线 {fmt(amount)}",
        f"Suggested baseline: {fmt(amount)}",
    )
    return Baseline(amount, steps)


# --- helpers ----------------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_month = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, min(day.day, (next_month - timedelta(1)).day))


def _thursday(week_start: date) -> date:
    return week_start + timedelta(3)


def _weekly_series(
    deals: Sequence[HistoricDeal], window_start: date, period_start: date
) -> tuple[list[date], list[int]]:
    """Complete ISO weeks of the window, from the week of the first deal, zeros included.

    Partial weeks at either edge would read as slow weeks, and weeks before an owner's first
    deal are missing history, not zero sales."""
    if not deals:
        return [], []
    first = iso_week_start(window_start)
    if first < window_start:
        first += timedelta(7)
    first = max(first, iso_week_start(min(d.close_date for d in deals)))
    last = iso_week_start(period_start) - timedelta(7)
    totals: dict[date, int] = defaultdict(int)
    for d in deals:
        totals[iso_week_start(d.close_date)] += d.amount
    weeks = [first + timedelta(7 * n) for n in range((last - first).days // 7 + 1)]
    return weeks, [totals[w] for w in weeks]


def _month_indices(weeks: list[date], series: list[int]) -> dict[int, float]:
    """Mean weekly value of each month (by the week's Thursday) over the overall mean."""
    by_month: dict[int, list[int]] = defaultdict(list)
    for week, value in zip(weeks, series, strict=True):
        by_month[_thursday(week).month].append(value)
    overall = statistics.fmean(series)
    if overall <= 0:
        return dict.fromkeys(range(1, 13), 1.0)
    return {
        m: statistics.fmean(by_month[m]) / overall if by_month[m] else 1.0 for m in range(1, 13)
    }


def _segment_share(deals: Sequence[HistoricDeal], segment: str, total: int) -> float:
    if total <= 0:
        return 0.0
    return sum(d.amount for d in deals if d.segment == segment) / total


def _ramp(day: date, hire_date: date | None, settings: BaselineSettings) -> float:
    if hire_date is None:
        return 1.0
    if day < hire_date:
        return 0.0
    months = (day - hire_date).days / DAYS_PER_MONTH
    ramp = settings.ramp_floor + (1 - settings.ramp_floor) * months / settings.ramp_months
    return min(1.0, max(settings.ramp_floor, ramp))


def _check(
    period_start: date,
    period_end: date,
    deals: Sequence[HistoricDeal],
    coefficients: Sequence[Coefficient],
    settings: BaselineSettings,
) -> None:
    if period_end <= period_start:
        raise InvalidInput(
            TargetError.INVALID_PERIOD,
            "结束日期必须晚于开始日期",
            "The period must end after it starts",
            "period",
        )
    if any(d.amount < 0 for d in deals):
        raise InvalidInput(
            TargetError.INVALID_AMOUNT,
            "历史成交金额不能为负数",
            "A deal amount cannot be negative",
            "deals",
        )
    for c in coefficients:
        if not (c.multiplier > 0 and math.isfinite(c.multiplier)):
            raise InvalidInput(
                TargetError.INVALID_MULTIPLIER,
                f"业务系数“{c.name}”必须大于 0",
                f"The multiplier of “{c.name}” must be greater than 0",
                "coefficients",
            )
        if c.end < c.start:
            raise InvalidInput(
                TargetError.INVALID_COEFFICIENT_DATES,
                f"业务系数“{c.name}”的结束日期早于开始日期",
                f"“{c.name}” ends before it starts",
                "coefficients",
            )
    s = settings
    numbers = (s.history_months, s.moving_average_weeks, s.outlier_threshold, s.ramp_months)
    if not (all(n > 0 for n in numbers) and 0 < s.ramp_floor <= 1):
        raise InvalidInput(
            TargetError.INVALID_SETTINGS,
            "基线参数必须为正数，爬坡起点在 0 到 1 之间",
            "Baseline settings must be positive, with the ramp floor between 0 and 1",
            "settings",
        )
