"""The snapshot of a weekly review, frozen when the review starts: what it reads from the
database (the rows are shaped by the plain rules of `review_rules`).

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

from domain.alerts.models import Alert, AlertStatus
from domain.db import utcnow
from domain.kernel.actor import Actor
from domain.kernel.time import as_utc
from domain.org.models import OrgUnit, Rep
from domain.org.service import units_in_subtree
from domain.pipeline import funnel as funnels
from domain.pipeline import kpis
from domain.pipeline.models import Account, Opportunity
from domain.pipeline.stages import OPEN_STAGES
from domain.reviews.rules import (
    ReviewOwnerRole,
    ReviewSubjectKind,
    alert_summary,
    funnel_summary,
    kpi_miss_rows,
    month_of_week,
    period_record,
    review_as_of,
    sort_target_rows,
    subject_of,
    target_name,
    target_row,
)
from domain.targets.models import PeriodKind, Target
from domain.targets.periods import Period
from domain.targets.progress import PaceBasis, progress_of, working_calendar

SNAPSHOT_VERSION = 1
MAX_KEY_CUSTOMERS = 50


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

    @classmethod
    def of(cls, settings) -> ReviewSettings:
        """The part of the company's `domain.settings.Settings` a snapshot reads."""
        return cls(
            timezone=settings.timezone,
            holiday_country=settings.holiday_country,
            kpi_minimums=settings.kpi_minimums,
            stage_probabilities=settings.stage_probabilities,
            stale_key_days=settings.stale_key_days,
            payment_terms_days=settings.payment_terms_days,
        )


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
    children = await id_names(session, OrgUnit.id, OrgUnit.name, OrgUnit.parent_id == unit.id)
    reps = await id_names(session, Rep.id, Rep.name, Rep.unit_id == unit.id)
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


# The named columns of each kind of alert subject but targets (see `target_names`).
_SUBJECT_NAMES = {
    ReviewSubjectKind.OPPORTUNITY: (Opportunity.id, Opportunity.title),
    ReviewSubjectKind.REP: (Rep.id, Rep.name),
    ReviewSubjectKind.UNIT: (OrgUnit.id, OrgUnit.name),
}


async def _subject_names(session, alerts: Sequence[Alert]) -> dict[tuple[str, int], str]:
    """Display names of the alerts' subjects, one statement per kind of subject."""
    names: dict[tuple[str, int], str] = {}
    for kind, column in (
        (ReviewSubjectKind.OPPORTUNITY, "opportunity_id"),
        (ReviewSubjectKind.TARGET, "target_id"),
        (ReviewSubjectKind.REP, "rep_id"),
        (ReviewSubjectKind.UNIT, "unit_id"),
    ):
        ids = {getattr(a, column) for a in alerts if getattr(a, column) is not None}
        if not ids:
            continue
        if kind == ReviewSubjectKind.TARGET:
            found = await target_names(session, ids)
        else:
            id_column, name_column = _SUBJECT_NAMES[kind]
            found = await id_names(session, id_column, name_column, id_column.in_(ids))
        names.update({(kind.value, i): name for i, name in found.items()})
    return names


async def id_names(session: AsyncSession, id_column, name_column, *where) -> dict[int, str]:
    """`{id: name}` of the rows matching `where`, e.g. `id_names(s, Rep.id, Rep.name, …)`."""
    return dict((await session.execute(select(id_column, name_column).where(*where))).all())


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
