"""The snapshot of a weekly review, frozen when the review starts, and the plain rules
that shape it.

The snapshot (``SNAPSHOT_VERSION`` 1) is a JSON object; dates are ISO strings, money is in
minor units, ratios are fractions rounded to four places::

    version, taken_at, as_of            as_of: the last day counted, min(today, Sunday)
    unit      {id, code, name, kind}
    week      {start, last_day, label}  the ISO week, e.g. 2026-W47
    month     {start, last_day, label}  the month the week belongs to (by its Thursday)
    targets   [{target_id, parent_target_id, period (week|month), period_label, metric,
                owner_role (unit|child_unit|rep), owner_id, owner_name, status, version,
                amount, achieved, expected_to_date, completion, pace_ratio, projection, gap}]
              the unit's, its direct child units' and its own reps' targets
    kpi_misses {from, to, working_days, reps_checked,
                reps: [{rep_id, rep_name, level, working_days, days_missed, miss_streak,
                        missed: {touches, needs_confirmed, proposals_sent, demos_booked},
                        missed_days: [day]}]}
              active reps of the subtree with at least one missed working day
    alerts    {total, by_severity: {red, orange, yellow},
               items: [{alert_id, rule, severity, status, subject_kind, subject_id,
                        subject_name, raised_on}]}
              unresolved (open or acknowledged) alerts of the subtree, red first
    funnel    {from, to, stages: [{stage, reached, conversion_to_next,
               median_days_in_stage}], won, lost, win_rate, follow_ups,
               effective_follow_up_rate, lead_to_qualified_median_days,
               stale_key_opportunities}
              opportunities of the subtree created from the 1st of the month to as_of
    suggested_key_customers [{account_id, name, segment, owner_rep_id, owner_rep_name,
               open_opportunities, open_amount}]
              high-value accounts with open opportunities in the subtree, largest first
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.alerts.models import Alert, AlertStatus, Severity
from domain.db import utcnow
from domain.errors import InvalidInput
from domain.labels import LabelledEnum, register
from domain.org.models import OrgUnit, Rep
from domain.org.rules import Actor, as_utc
from domain.org.service import units_in_subtree
from domain.pipeline import funnel as funnels
from domain.pipeline import kpis
from domain.pipeline.models import Account, Opportunity
from domain.pipeline.stages import OPEN_STAGES
from domain.targets.models import Metric, PeriodKind, Target
from domain.targets.periods import Period
from domain.targets.progress import PaceBasis, progress_of, working_calendar
from domain.targets.rules import Pace

SNAPSHOT_VERSION = 1
MAX_KEY_CUSTOMERS = 50


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


@dataclass(frozen=True)
class ReviewSettings:
    """What a snapshot needs from the company's settings."""

    timezone: str = "Asia/Shanghai"
    holiday_country: str = "CN"
    kpi_minimums: Mapping[str, Mapping[str, int]] | None = None
    stage_probabilities: dict[str, float] | None = None
    stale_key_days: int = 7
    payment_terms_days: int = 30

    @property
    def minimums(self) -> Mapping[str, Mapping[str, int]]:
        return self.kpi_minimums or kpis.DEFAULT_MINIMUMS


# --- pure rules -------------------------------------------------------------------------


def check_week(week_start: date, today: date) -> Period:
    """The ISO week starting on `week_start`: INVALID_WEEK unless it is a Monday,
    WEEK_NOT_STARTED when that Monday is after the company's today."""
    if week_start.weekday() != 0:
        raise InvalidInput(
            "INVALID_WEEK",
            f"周复盘按 ISO 周进行：weekStart 必须是周一，{week_start.isoformat()} 不是",
            f"A review covers an ISO week: weekStart must be a Monday, "
            f"{week_start.isoformat()} is not",
            "week_start",
        )
    if week_start > today:
        raise InvalidInput(
            "WEEK_NOT_STARTED",
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


# --- building it ------------------------------------------------------------------------


async def build_snapshot(
    session: AsyncSession,
    actor: Actor,
    *,
    unit: OrgUnit,
    week: Period,
    today: date,
    settings: ReviewSettings,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Everything the meeting looks at, as plain JSON (see the module docstring)."""
    as_of = review_as_of(week, today)
    month = month_of_week(week)
    calendar = await working_calendar(session, settings.holiday_country)
    return {
        "version": SNAPSHOT_VERSION,
        "taken_at": as_utc(now or utcnow()).isoformat(),
        "as_of": as_of.isoformat(),
        "unit": {"id": unit.id, "code": unit.code, "name": unit.name, "kind": unit.kind},
        "week": period_record(week),
        "month": period_record(month),
        "targets": await _snapshot_targets(session, unit, week, month, as_of, calendar, settings),
        "kpi_misses": await _snapshot_kpis(session, actor, unit, week, as_of, calendar, settings),
        "alerts": await _snapshot_alerts(session, unit),
        "funnel": await _snapshot_funnel(session, actor, unit, month, as_of, today, settings),
        "suggested_key_customers": await _snapshot_key_customers(session, unit),
    }


async def _snapshot_targets(session, unit, week, month, as_of, calendar, settings) -> list[dict]:
    children = dict(
        (
            await session.execute(
                select(OrgUnit.id, OrgUnit.name).where(OrgUnit.parent_id == unit.id)
            )
        ).all()
    )
    reps = dict(
        (await session.execute(select(Rep.id, Rep.name).where(Rep.unit_id == unit.id))).all()
    )
    targets = list(
        await session.scalars(
            select(Target).where(
                or_(
                    Target.owner_unit_id.in_([unit.id, *children]),
                    Target.owner_rep_id.in_(list(reps)),
                ),
                or_(
                    and_(
                        Target.period_kind == PeriodKind.WEEK.value,
                        Target.period_start == week.start,
                    ),
                    and_(
                        Target.period_kind == PeriodKind.MONTH.value,
                        Target.period_start == month.start,
                    ),
                ),
            )
        )
    )
    paces = await progress_of(
        session,
        targets,
        as_of,
        calendar,
        PaceBasis.WORKING_DAYS,
        settings.stage_probabilities,
    )
    rows = []
    for target in targets:
        if target.owner_rep_id is not None:
            role, name = ReviewOwnerRole.REP, reps[target.owner_rep_id]
        elif target.owner_unit_id == unit.id:
            role, name = ReviewOwnerRole.UNIT, unit.name
        else:
            role, name = ReviewOwnerRole.CHILD_UNIT, children[target.owner_unit_id]
        rows.append(target_row(target, paces[target.id], role, name))
    return sort_target_rows(rows)


async def _snapshot_kpis(session, actor, unit, week, as_of, calendar, settings) -> dict:
    reports = await kpis.kpi_report(
        session,
        actor,
        start=week.start,
        end=as_of,
        is_working=calendar.is_working,
        timezone=settings.timezone,
        minimums=settings.minimums,
        unit_id=unit.id,
    )
    return {
        "from": week.start.isoformat(),
        "to": as_of.isoformat(),
        "working_days": calendar.working_days(week.start, as_of + timedelta(days=1)),
        "reps_checked": len(reports),
        "reps": kpi_miss_rows(reports),
    }


async def _snapshot_alerts(session, unit) -> dict:
    alerts = list(
        await session.scalars(
            select(Alert).where(
                Alert.status != AlertStatus.RESOLVED.value,
                Alert.unit_id.in_(units_in_subtree(unit.path)),
            )
        )
    )
    names = await _subject_names(session, alerts)
    items = []
    for alert in alerts:
        kind, subject_id, name = subject_of(alert, names)
        items.append(
            {
                "alert_id": alert.id,
                "rule": alert.rule,
                "severity": alert.severity,
                "status": alert.status,
                "subject_kind": kind,
                "subject_id": subject_id,
                "subject_name": name,
                "raised_on": alert.raised_on.isoformat(),
            }
        )
    return alert_summary(items)


async def _subject_names(session, alerts: Sequence[Alert]) -> dict[tuple[str, int], str]:
    """Display names of the alerts' subjects, one statement per kind of subject."""
    names: dict[tuple[str, int], str] = {}
    ids = {
        kind: {getattr(a, column) for a in alerts if getattr(a, column) is not None}
        for kind, column in (
            ("opportunity", "opportunity_id"),
            ("target", "target_id"),
            ("rep", "rep_id"),
            ("unit", "unit_id"),
        )
    }
    if ids["opportunity"]:
        rows = await session.execute(
            select(Opportunity.id, Opportunity.title).where(Opportunity.id.in_(ids["opportunity"]))
        )
        names.update({("opportunity", i): title for i, title in rows})
    if ids["target"]:
        names.update(
            {
                ("target", i): name
                for i, name in (await target_names(session, ids["target"])).items()
            }
        )
    if ids["rep"]:
        rows = await session.execute(select(Rep.id, Rep.name).where(Rep.id.in_(ids["rep"])))
        names.update({("rep", i): name for i, name in rows})
    if ids["unit"]:
        rows = await session.execute(
            select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(ids["unit"]))
        )
        names.update({("unit", i): name for i, name in rows})
    return names


async def target_names(session: AsyncSession, ids: Iterable[int]) -> dict[int, str]:
    """`owner metric period` of each target, e.g. `Rep r1 revenue 2026-W47`."""
    ids = set(ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(
            Target.id,
            Target.metric,
            Target.period_kind,
            Target.period_start,
            func.coalesce(OrgUnit.name, Rep.name),
        )
        .outerjoin(OrgUnit, OrgUnit.id == Target.owner_unit_id)
        .outerjoin(Rep, Rep.id == Target.owner_rep_id)
        .where(Target.id.in_(ids))
    )
    return {
        target_id: target_name(metric, Period(PeriodKind(kind), start).label(), owner)
        for target_id, metric, kind, start, owner in rows
    }


async def _snapshot_funnel(session, actor, unit, month, as_of, today, settings) -> dict:
    if as_of < month.start:  # a week starting in the previous month, reviewed on its Monday
        return funnel_summary(
            funnels.Funnel(stages=funnels.stage_rows(Counter(), {})), month.start, as_of
        )
    report = await funnels.funnel(
        session,
        actor,
        start=month.start,
        end=as_of,
        today=today,
        timezone=settings.timezone,
        unit_id=unit.id,
        stale_after_days=settings.stale_key_days,
        payment_terms_days=settings.payment_terms_days,
    )
    return funnel_summary(report, month.start, as_of)


async def _snapshot_key_customers(session, unit) -> list[dict]:
    owner = aliased(Rep, name="account_owner")
    open_amount = func.sum(Opportunity.amount)
    rows = await session.execute(
        select(
            Account.id,
            Account.name,
            Account.segment,
            Account.owner_rep_id,
            owner.name,
            func.count(Opportunity.id),
            open_amount,
        )
        .join(Account, Account.id == Opportunity.account_id)
        .join(owner, owner.id == Account.owner_rep_id)
        .where(
            Account.high_value.is_(True),
            Opportunity.stage.in_([stage.value for stage in OPEN_STAGES]),
            Opportunity.owner_rep_id.in_(
                select(Rep.id).where(Rep.unit_id.in_(units_in_subtree(unit.path)))
            ),
        )
        .group_by(Account.id, Account.name, Account.segment, Account.owner_rep_id, owner.name)
        .order_by(open_amount.desc(), Account.id)
        .limit(MAX_KEY_CUSTOMERS)
    )
    return [
        {
            "account_id": account_id,
            "name": name,
            "segment": segment,
            "owner_rep_id": owner_rep_id,
            "owner_rep_name": owner_name,
            "open_opportunities": count,
            "open_amount": int(amount or 0),
        }
        for account_id, name, segment, owner_rep_id, owner_name, count, amount in rows
    ]
