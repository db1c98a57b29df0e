"""The alert rules as plain functions over aggregates, and their thresholds.

Each rule looks at one subject (a rep, a target, a unit, an opportunity) and answers with a
`Finding` (the rule trips, at a severity, with evidence) or a `Clearance` (it does not, and
why — the reason an open alert resolves with)."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import Field, dataclass, field, fields
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from domain.alerts.models import AlertRule, TaskKind
from domain.kernel.severity import Severity
from domain.pipeline.kpis import KpiDay
from domain.targets.planning.baseline import modified_z_scores


class ThresholdError(ValueError):
    pass


class FromMapping:
    if TYPE_CHECKING:
        # every subclass is a dataclass
        __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    @classmethod
    def from_mapping(cls, values: Mapping[str, float] | None):
        """Defaults overridden by `values`; unknown names and out-of-range numbers fail."""
        values = dict(values or {})
        known = {f.name: f for f in fields(cls)}
        unknown = set(values) - set(known)
        if unknown:
            raise ThresholdError(
                f"unknown threshold {sorted(unknown)[0]!r}; known: {', '.join(sorted(known))}"
            )
        for name, value in values.items():
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise ThresholdError(f"threshold {name!r} must be a number ≥ 0")
            if known[name].type == "int" and value != int(value):
                raise ThresholdError(f"threshold {name!r} must be a whole number")
            values[name] = int(value) if known[name].type == "int" else float(value)
        thresholds = cls(**values)
        thresholds.check()
        return thresholds

    def check(self) -> None:
        pass


@dataclass(frozen=True)
class Thresholds(FromMapping):
    """When each rule trips (DESIGN.md §3)."""

    kpi_yellow_days: int = 2
    kpi_orange_days: int = 3
    pace_ratio: float = 0.8
    pace_days: int = 3
    week_completion: float = 0.4
    week_min_elapsed_days: int = 3
    breaker_share: float = 0.6
    breaker_weeks: int = 2
    breaker_history_weeks: int = 13
    stale_key_days: int = 7
    task_due_days: int = 2

    def check(self) -> None:
        if not 1 <= self.kpi_yellow_days <= self.kpi_orange_days:
            raise ThresholdError("need 1 ≤ kpi_yellow_days ≤ kpi_orange_days")
        if self.pace_days < 1 or self.breaker_weeks < 1 or self.stale_key_days < 1:
            raise ThresholdError("pace_days, breaker_weeks and stale_key_days must be ≥ 1")
        if self.breaker_history_weeks < 2:
            raise ThresholdError("breaker_history_weeks must be ≥ 2")


@dataclass(frozen=True)
class Finding:
    rule: AlertRule
    subject_key: str
    severity: Severity
    unit_id: int
    since: date
    evidence: dict[str, Any]
    rep_id: int | None = None
    target_id: int | None = None
    opportunity_id: int | None = None
    task: TaskKind | None = None


@dataclass(frozen=True)
class Clearance:
    subject_key: str
    reason_zh: str
    reason_en: str

    @property
    def reason(self) -> str:
        return f"{self.reason_zh} / {self.reason_en}"


@dataclass(frozen=True)
class Subject:
    """Who or what a rule looks at, and the unit whose managers hear about it."""

    key: str
    unit_id: int
    rep_id: int | None = None
    target_id: int | None = None
    opportunity_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _finding(rule, subject: Subject, severity, since, evidence, task=None) -> Finding:
    return Finding(
        rule=rule,
        subject_key=subject.key,
        severity=severity,
        unit_id=subject.unit_id,
        since=since,
        evidence={**subject.extra, **evidence},
        rep_id=subject.rep_id,
        target_id=subject.target_id,
        opportunity_id=subject.opportunity_id,
        task=task,
    )


# --- KPI misses -------------------------------------------------------------------------


def kpi_misses(subject: Subject, days: Sequence[KpiDay], th: Thresholds) -> Finding | Clearance:
    """Working days (oldest first, up to the day evaluated) missed in a row: yellow from
    `kpi_yellow_days`, orange with a 1:1 coaching task from `kpi_orange_days`."""
    streak = []
    for day in reversed(days):
        if day.hit:
            break
        streak.append(day)
    streak.reverse()
    if len(streak) >= th.kpi_yellow_days:
        orange = len(streak) >= th.kpi_orange_days
        return _finding(
            AlertRule.KPI_MISS,
            subject,
            Severity.ORANGE if orange else Severity.YELLOW,
            streak[0].day,
            {
                "streak_days": len(streak),
                "missed": {d.day.isoformat(): d.missed for d in streak},
                "counts": {d.day.isoformat(): d.counts for d in streak},
            },
            TaskKind.ONE_ON_ONE if orange else None,
        )
    if days and days[-1].hit:
        return Clearance(
            subject.key,
            f"{days[-1].day} 行为指标全部达标",
            f"every behaviour KPI met on {days[-1].day}",
        )
    return Clearance(
        subject.key,
        f"连续未达标 {len(streak)} 天，低于 {th.kpi_yellow_days} 天",
        f"{len(streak)} missed day(s) in a row, fewer than {th.kpi_yellow_days}",
    )


# --- pace -------------------------------------------------------------------------------


def behind_pace(
    subject: Subject, ratios: Sequence[tuple[date, float | None]], th: Thresholds
) -> Finding | Clearance:
    """Pace ratios (achieved ÷ expected to date) on consecutive working days, oldest first:
    below `pace_ratio` on the last `pace_days` of them → orange. A day with nothing expected
    yet (ratio None) is not behind."""
    run = []
    for day, ratio in reversed(ratios):
        if ratio is None or ratio >= th.pace_ratio:
            break
        run.append((day, ratio))
    run.reverse()
    if len(run) >= th.pace_days:
        return _finding(
            AlertRule.PACE,
            subject,
            Severity.ORANGE,
            run[0][0],
            {
                "days_behind": len(run),
                "threshold": th.pace_ratio,
                "pace_ratios": {d.isoformat(): round(r, 4) for d, r in run},
            },
        )
    last = ratios[-1][1] if ratios else None
    shown = "-" if last is None else f"{last:.0%}"
    return Clearance(
        subject.key,
        f"进度为预期的 {shown}，落后未满 {th.pace_days} 个工作日",
        f"pace at {shown} of expected; fewer than {th.pace_days} working days behind",
    )


# --- week to date -----------------------------------------------------------------------


def week_to_date(
    subject: Subject,
    week_start: date,
    achieved: int,
    expected_to_date: float,
    elapsed_working_days: int,
    th: Thresholds,
) -> Finding | Clearance:
    """The week's target: once `week_min_elapsed_days` working days have passed, achieved
    below `week_completion` of what the target expects by now → red and a review meeting."""
    ratio = achieved / expected_to_date if expected_to_date > 0 else None
    if (
        elapsed_working_days >= th.week_min_elapsed_days
        and ratio is not None
        and ratio < th.week_completion
    ):
        return _finding(
            AlertRule.WEEK_TO_DATE,
            subject,
            Severity.RED,
            week_start,
            {
                "achieved": achieved,
                "expected_to_date": round(expected_to_date),
                "completion": round(ratio, 4),
                "threshold": th.week_completion,
                "elapsed_working_days": elapsed_working_days,
            },
            TaskKind.REVIEW_MEETING,
        )
    shown = "-" if ratio is None else f"{ratio:.0%}"
    return Clearance(
        subject.key,
        f"本周完成率为预期的 {shown}",
        f"week-to-date completion at {shown} of expected",
    )


# --- circuit breaker --------------------------------------------------------------------


def weekly_baseline(history: Sequence[int], outlier_threshold: float = 3.5) -> float | None:
    """The mean of past weekly amounts with large one-off weeks (robust z above the
    threshold) left out; None without history."""
    if not history:
        return None
    scores = modified_z_scores(list(history))
    kept = [v for v, z in zip(history, scores, strict=True) if z <= outlier_threshold]
    return statistics.fmean(kept or history)


def circuit_breaker(
    subject: Subject,
    recent_weeks: Sequence[tuple[date, int]],
    baseline: float | None,
    th: Thresholds,
) -> Finding | Clearance:
    """The last complete weeks (oldest first): every one of the last `breaker_weeks` below
    `breaker_share` of the baseline → red, a diagnosis and a root-cause meeting."""
    last = list(recent_weeks)[-th.breaker_weeks :]
    if not baseline or baseline <= 0 or len(last) < th.breaker_weeks:
        return Clearance(subject.key, "没有可比较的基线", "no baseline to compare with")
    floor = th.breaker_share * baseline
    if all(amount < floor for _, amount in last):
        return _finding(
            AlertRule.CIRCUIT_BREAKER,
            subject,
            Severity.RED,
            last[0][0],
            {
                "baseline_weekly": round(baseline),
                "threshold": th.breaker_share,
                "weeks": {start.isoformat(): amount for start, amount in last},
                "shares": {
                    start.isoformat(): round(amount / baseline, 4) for start, amount in last
                },
            },
            TaskKind.ROOT_CAUSE_MEETING,
        )
    best = max(amount for _, amount in last) / baseline
    return Clearance(
        subject.key,
        f"最近一周达到基线的 {best:.0%}",
        f"a recent week reached {best:.0%} of the baseline",
    )


# --- stale key opportunities ------------------------------------------------------------


def stale_key_opportunity(
    subject: Subject, last_response: datetime, now: datetime, th: Thresholds
) -> Finding | Clearance:
    """A key (high-value) opportunity whose customer has not responded for
    `stale_key_days` days → orange to the owner and manager, with a 1:1 task."""
    silent_days = (now - last_response).total_seconds() / 86_400
    if silent_days >= th.stale_key_days:
        return _finding(
            AlertRule.STALE_KEY,
            subject,
            Severity.ORANGE,
            last_response.date(),
            {
                "last_response": last_response.isoformat(),
                "silent_days": int(silent_days),
                "threshold_days": th.stale_key_days,
            },
            TaskKind.ONE_ON_ONE,
        )
    return Clearance(
        subject.key,
        f"客户 {int(silent_days)} 天前有回应",
        f"the customer responded {int(silent_days)} day(s) ago",
    )


# --- what a run changes -----------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """What the evaluator does to one series: raise, escalate, refresh (same severity,
    new evidence), resolve, or keep (nothing)."""

    action: str  # "raise" | "escalate" | "refresh" | "resolve" | "keep"
    severity: Severity | None = None


def change_for(
    current: Severity | None, finding: Finding | None, manually_resolved_and_continuing: bool
) -> Change:
    """Plain decision over an existing open series (its severity, or None) and today's
    finding (None: cleared). Severity only rises within a series; a series resolved by hand
    is not raised again while its condition continues without a break."""
    if finding is None:
        return Change("resolve") if current is not None else Change("keep")
    if current is None:
        return (
            Change("keep")
            if manually_resolved_and_continuing
            else Change("raise", finding.severity)
        )
    if finding.severity.rank > current.rank:
        return Change("escalate", finding.severity)
    return Change("refresh", current)


def title(rule: AlertRule, evidence: Mapping[str, Any]) -> tuple[str, str]:
    """A one-line headline in Chinese and English, from the evidence the rule recorded."""
    who = evidence.get("rep") or evidence.get("unit") or ""
    if rule == AlertRule.FORECAST:  # domain/forecasts/alerts.py writes its own headline
        return evidence.get("headline_zh", who), evidence.get("headline_en", who)
    if rule == AlertRule.KPI_MISS:
        n = evidence.get("streak_days", 0)
        return (
            f"{who} 连续 {n} 个工作日行为指标未达标",
            f"{who} missed KPIs {n} working days running",
        )
    if rule == AlertRule.PACE:
        n = evidence.get("days_behind", 0)
        return (
            f"{who} 连续 {n} 个工作日进度低于预期的 {evidence.get('threshold', 0):.0%}",
            f"{who} below {evidence.get('threshold', 0):.0%} of expected pace {n} working days",
        )
    if rule == AlertRule.WEEK_TO_DATE:
        share = evidence.get("completion", 0)
        return f"{who} 本周完成率仅为预期的 {share:.0%}", f"{who} week to date at {share:.0%}"
    if rule == AlertRule.CIRCUIT_BREAKER:
        return (
            f"{who} 熔断：连续两周低于基线的 {evidence.get('threshold', 0):.0%}",
            f"{who} circuit breaker: weeks below {evidence.get('threshold', 0):.0%} of baseline",
        )
    opportunity = evidence.get("opportunity", "")
    days = evidence.get("silent_days", 0)
    return (
        f"关键商机「{opportunity}」{days} 天无客户回应（{who}）",
        f"Key opportunity “{opportunity}” without customer response for {days} days ({who})",
    )
