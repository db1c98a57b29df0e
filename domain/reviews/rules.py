"""The plain rules of weekly reviews: who may do what, free-text notes, the week under
review, and the rows of its snapshot (whose layout `review_snapshot` describes)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Literal, overload

from domain.alerts.models import Alert
from domain.errors import Forbidden, InvalidInput
from domain.kernel.actor import Actor, Role
from domain.kernel.errors import KernelError
from domain.kernel.severity import Severity
from domain.labels import LabelledEnum, register
from domain.pipeline import funnel as funnels
from domain.pipeline import kpis
from domain.reviews.errors import ReviewError
from domain.targets.models import Metric, PeriodKind, Target
from domain.targets.periods import Period
from domain.targets.rules import Pace

PLANNERS = (Role.ADMIN, Role.DIRECTOR, Role.MANAGER)
DECIDERS = (Role.ADMIN, Role.DIRECTOR)


@register
class ReviewOwnerRole(LabelledEnum):
    """Whose target a snapshot row is, seen from the review's unit."""

    UNIT = ("unit", "本单元", "The unit")
    CHILD_UNIT = ("child_unit", "下级单元", "Child unit")
    REP = ("rep", "本单元销售代表", "Rep of the unit")


@register
class ReviewSubjectKind(LabelledEnum):
    UNIT = ("unit", "组织单元", "Org unit")
    REP = ("rep", "销售代表", "Rep")
    TARGET = ("target", "目标", "Target")
    OPPORTUNITY = ("opportunity", "商机", "Opportunity")


# --- who may, and notes -----------------------------------------------------------------


@overload
def clean_note(
    value: str | None, field: str, max_length: int, required: Literal[True] = True
) -> str: ...
@overload
def clean_note(value: str | None, field: str, max_length: int, required: bool) -> str | None: ...


def clean_note(value: str | None, field: str, max_length: int, required: bool = True) -> str | None:
    """A free-text note: trimmed, line breaks kept."""
    text = (value or "").strip()
    if not text:
        if not required:
            return None
        raise InvalidInput(KernelError.REQUIRED, "不能为空", "Must not be empty", field)
    if len(text) > max_length:
        raise InvalidInput(
            KernelError.TOO_LONG,
            f"不能超过 {max_length} 个字符",
            f"Must be at most {max_length} characters",
            field,
        )
    return text


def require_role(actor: Actor, roles: Sequence[Role], what_zh: str, what_en: str) -> None:
    if not actor.has(*roles):
        raise Forbidden(
            ReviewError.NOT_ALLOWED,
            f"你的角色不能{what_zh}",
            f"Your role cannot {what_en}",
            None,
        )


# --- the week and the snapshot's rows ---------------------------------------------------


def check_week(week_start: date, today: date) -> Period:
    """The ISO week starting on `week_start`: INVALID_WEEK unless it is a Monday,
    WEEK_NOT_STARTED when that Monday is after the company's today."""
    if week_start.weekday() != 0:
        raise InvalidInput(
            ReviewError.INVALID_WEEK,
            f"周复盘按 ISO 周进行：weekStart 必须是周一，{week_start.isoformat()} 不是",
            f"A review covers an ISO week: weekStart must be a Monday, "
            f"{week_start.isoformat()} is not",
            "week_start",
        )
    if week_start > today:
        raise InvalidInput(
            ReviewError.WEEK_NOT_STARTED,
            f"{week_start.isoformat()} 开始的这一周还没有开始，不能复盘",
            f"The week starting {week_start.isoformat()} has not started yet",
            "week_start",
        )
    return Period(PeriodKind.WEEK, week_start)


def review_as_of(week: Period, today: date) -> date:
    """The last day a review counts: today while the week runs, else its Sunday."""
    return min(today, week.end - timedelta(days=1))


def month_of_week(week: Period) -> Period:
    """The month a week belongs to: the month of its Thursday (the ISO rule)."""
    return Period.containing(PeriodKind.MONTH, week.anchor)


def ratio(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)


def period_record(period: Period) -> dict[str, str]:
    return {
        "start": period.start.isoformat(),
        "last_day": (period.end - timedelta(days=1)).isoformat(),
        "label": period.label(),
    }


def target_row(target: Target, pace: Pace, role: ReviewOwnerRole, owner_name: str) -> dict:
    """One snapshot row of a target and its pace."""
    return {
        "target_id": target.id,
        "parent_target_id": target.parent_id,
        "period": target.period_kind,
        "period_label": Period(PeriodKind(target.period_kind), target.period_start).label(),
        "metric": target.metric,
        "owner_role": role.value,
        "owner_id": target.owner_rep_id if role == ReviewOwnerRole.REP else target.owner_unit_id,
        "owner_name": owner_name,
        "status": target.status,
        "version": target.version,
        "amount": target.amount,
        "achieved": pace.achieved,
        "expected_to_date": round(pace.expected_to_date, 2),
        "completion": ratio(pace.completion),
        "pace_ratio": ratio(pace.pace_ratio),
        "projection": round(pace.projection, 2),
        "gap": round(pace.gap, 2),
    }


_PERIOD_ORDER = {PeriodKind.WEEK.value: 0, PeriodKind.MONTH.value: 1}
_METRIC_ORDER = {metric.value: index for index, metric in enumerate(Metric)}
_ROLE_ORDER = {role.value: index for index, role in enumerate(ReviewOwnerRole)}


def sort_target_rows(rows: Iterable[dict]) -> list[dict]:
    """Week before month, then by metric, the unit before its children before its reps."""
    return sorted(
        rows,
        key=lambda r: (
            _PERIOD_ORDER[r["period"]],
            _METRIC_ORDER[r["metric"]],
            _ROLE_ORDER[r["owner_role"]],
            r["owner_name"],
            r["target_id"],
        ),
    )


def kpi_miss_rows(reports: Sequence[kpis.RepKpis]) -> list[dict]:
    """Reps with at least one missed working day, the most missed first."""
    rows = []
    for report in reports:
        missed_days = [day for day in report.days if not day.hit]
        if not missed_days:
            continue
        per_kpi = Counter(kpi for day in missed_days for kpi in day.missed)
        rows.append(
            {
                "rep_id": report.rep.id,
                "rep_name": report.rep.name,
                "level": report.rep.level,
                "working_days": len(report.days),
                "days_missed": len(missed_days),
                "miss_streak": report.miss_streak,
                "missed": {kpi: per_kpi.get(kpi, 0) for kpi in kpis.KPIS},
                "missed_days": [day.day.isoformat() for day in missed_days],
            }
        )
    return sorted(rows, key=lambda r: (-r["days_missed"], -r["miss_streak"], r["rep_name"]))


def alert_summary(items: Sequence[dict]) -> dict:
    """Counts by severity (every severity present, red first) and the items, red first,
    then the oldest first."""
    by_severity = Counter(item["severity"] for item in items)
    ranked = sorted(
        items,
        key=lambda i: (-Severity(i["severity"]).rank, i["raised_on"], i["alert_id"]),
    )
    return {
        "total": len(items),
        "by_severity": {s.value: by_severity.get(s.value, 0) for s in reversed(Severity)},
        "items": ranked,
    }


def subject_of(alert: Alert, names: Mapping[tuple[str, int], str]) -> tuple[str, int, str]:
    """The most specific subject of an alert: its opportunity, target, rep, else its unit."""
    for kind, value in (
        (ReviewSubjectKind.OPPORTUNITY, alert.opportunity_id),
        (ReviewSubjectKind.TARGET, alert.target_id),
        (ReviewSubjectKind.REP, alert.rep_id),
        (ReviewSubjectKind.UNIT, alert.unit_id),
    ):
        if value is not None:
            return kind.value, value, names.get((kind.value, value), alert.subject_key)
    return ReviewSubjectKind.UNIT.value, alert.unit_id, alert.subject_key  # pragma: no cover


def funnel_summary(report: funnels.Funnel, start: date, end: date) -> dict:
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "stages": [
            {
                "stage": row.stage.value,
                "reached": row.reached,
                "conversion_to_next": ratio(row.conversion_to_next),
                "median_days_in_stage": ratio(row.median_days_in_stage, 2),
            }
            for row in report.stages
        ],
        "won": report.won,
        "lost": report.lost,
        "win_rate": ratio(report.win_rate),
        "follow_ups": report.follow_ups,
        "effective_follow_up_rate": ratio(report.effective_follow_up_rate),
        "lead_to_qualified_median_days": ratio(report.lead_to_qualified_median_days, 2),
        "stale_key_opportunities": len(report.stale_key_opportunities),
    }


def target_name(metric: str, period_label: str, owner_name: str) -> str:
    """e.g. `Shanghai revenue 2026-W47`, for lists and exports."""
    return f"{owner_name} {metric} {period_label}"
