"""The circuit breaker's health diagnosis: the material for a unit's root-cause meeting."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts.models import Alert, AlertRule, AlertStatus
from domain.alerts.signals import SYSTEM, Config
from domain.org.models import OrgUnit
from domain.org.service import units_in_subtree
from domain.pipeline import funnel, kpis
from domain.targets.collaboration.service import top_gap_reasons
from domain.targets.progress import working_calendar


async def diagnose(
    session: AsyncSession,
    unit: OrgUnit,
    last_week: date,
    day: date,
    config: Config,
) -> dict[str, Any]:
    """Top three gap reasons, KPI misses over the two weeks, the funnel of the two weeks
    against the two before, and the stale key opportunities of the unit's subtree."""
    start = last_week - timedelta(weeks=1)
    end = last_week + timedelta(days=6)
    reasons = await top_gap_reasons(session, SYSTEM, root_unit_id=unit.id, limit=3)
    calendar = await working_calendar(session, config.country)
    reports = await kpis.kpi_report(
        session,
        SYSTEM,
        start=start,
        end=end,
        is_working=calendar.is_working,
        timezone=config.timezone,
        minimums=config.minimums,
        unit_id=unit.id,
    )
    now = await _funnel(session, unit, start, end, day, config)
    before = await _funnel(
        session, unit, start - timedelta(weeks=2), start - timedelta(days=1), day, config
    )
    stale = await session.execute(
        select(Alert.opportunity_id, Alert.evidence).where(
            Alert.rule == AlertRule.STALE_KEY.value,
            Alert.status != AlertStatus.RESOLVED.value,
            Alert.unit_id.in_(units_in_subtree(unit.path)),
        )
    )
    return {
        "weeks": [start.isoformat(), last_week.isoformat()],
        "gap_reasons": [
            {
                "code": r.reason.code,
                "label_zh": r.reason.label_zh,
                "label_en": r.reason.label_en,
                "count": r.count,
            }
            for r in reasons
        ],
        "kpi_misses": [
            {
                "rep_id": report.rep.id,
                "rep": report.rep.name,
                "days_missed": sum(not d.hit for d in report.days),
                "working_days": len(report.days),
            }
            for report in reports
            if any(not d.hit for d in report.days)
        ],
        "funnel": {"current": now, "previous": before},
        "stale_key_opportunities": [
            {
                "opportunity_id": opportunity_id,
                "title": evidence.get("opportunity"),
                "silent_days": evidence.get("silent_days"),
            }
            for opportunity_id, evidence in stale
        ],
    }


async def _funnel(
    session, unit: OrgUnit, start: date, end: date, day: date, config: Config
) -> dict:
    report = await funnel.funnel(
        session, SYSTEM, start=start, end=end, today=day, timezone=config.timezone, unit_id=unit.id
    )
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "win_rate": report.win_rate,
        "stages": {
            row.stage.value: {"reached": row.reached, "conversion_to_next": row.conversion_to_next}
            for row in report.stages
        },
    }
