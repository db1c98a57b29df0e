"""The daily evaluation: every rule for one day, turned into alert series.

A run raises new series, escalates (severity only rises within a series), refreshes the
evidence of continuing ones, and resolves those whose condition cleared, with the reason.
Running again for the same day changes nothing; a day before the latest evaluated one is
refused (domain/alerts/runs.py). Evaluators are serialised — an advisory lock on PostgreSQL,
the write lock on SQLite — so two at once create each alert once. Each run is logged."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts import live, rules
from domain.alerts.errors import AlertError
from domain.alerts.loops.run import loop_config, run_loops
from domain.alerts.models import (
    Alert,
    AlertEventKind,
    AlertRule,
    AlertStatus,
    AlertTask,
    HealthDiagnosis,
    TaskKind,
)
from domain.alerts.rules import Clearance, Finding
from domain.alerts.runs import RunSummary, log_run, start_run
from domain.alerts.service import record_event
from domain.alerts.signals import Config, gather
from domain.db import utcnow
from domain.errors import InvalidInput
from domain.forecasts.alerts import ForecastThresholds
from domain.kernel.severity import Severity
from domain.notifications.service import enqueue
from domain.org.models import OrgUnit, Rep, User
from domain.org.service import managers_of_units
from domain.pipeline.kpis import DEFAULT_MINIMUMS
from domain.settings import Settings
from domain.targets.periods import WorkingCalendar
from domain.targets.progress import working_calendar

NO_LONGER_WATCHED = Clearance(
    "", "监控对象已不在范围内（已关闭、离职或目标已结束）", "the subject is no longer watched"
)


async def run_alerts(
    session: AsyncSession, *, day: date, calendar: WorkingCalendar, config: Config
) -> RunSummary:
    """Evaluate every rule for `day` (data up to the end of that day, company time)."""
    started_at = utcnow()
    previous_run = await start_run(session, day)
    evaluation = await gather(session, day, calendar, config)
    open_series = {
        (a.rule, a.subject_key): a
        for a in await session.scalars(
            select(Alert).where(Alert.status != AlertStatus.RESOLVED.value)
        )
    }
    findings = [
        (rule, o)
        for rule, found in evaluation.outcomes.items()
        for o in found
        if isinstance(o, Finding)
    ]
    clearances = {
        (rule, o.subject_key): o
        for rule, found in evaluation.outcomes.items()
        for o in found
        if isinstance(o, Clearance)
    }
    suppressed = await _resolved_by_hand_and_continuing(
        session,
        [(r, f.subject_key) for r, f in findings if (r, f.subject_key) not in open_series],
        previous_run,
    )
    writer = _Writer(session, day, config, calendar)
    await writer.load_context([f for _, f in findings], list(open_series.values()))
    for rule, finding in findings:
        current = open_series.pop((rule, finding.subject_key), None)
        continuing = (rule, finding.subject_key) in suppressed
        change = rules.change_for(
            Severity(current.severity) if current else None, finding, continuing
        )
        if change.action == "raise":
            await writer.raise_series(finding)
        elif change.action == "escalate":
            await writer.escalate(_open(current, change.action), finding)
        elif change.action == "refresh":
            writer.refresh(_open(current, change.action), finding)
        elif continuing:
            suppressed[(rule, finding.subject_key)].condition_seen_on = day
    for (rule, key), alert in sorted(open_series.items(), key=lambda item: item[1].id):
        if rule in evaluation.outcomes:
            await writer.resolve(alert, clearances.get((rule, key), NO_LONGER_WATCHED))
    if config.loops is not None:
        await run_loops(
            session,
            day=day,
            calendar=calendar,
            timezone=config.timezone,
            config=config.loops,
            summary=writer.summary,
        )
    await log_run(session, writer.summary, started_at)
    return writer.summary


def _open(current: Alert | None, action: str) -> Alert:
    """The open alert of a series: rules.change_for escalates or refreshes only those."""
    if current is None:
        raise ValueError(f"{action} needs an open alert")
    return current


async def _resolved_by_hand_and_continuing(session, keys, previous_run: date | None) -> dict:
    """Series a person resolved whose condition was still seen on the previous run: they
    are not raised again until the condition clears."""
    if not keys or previous_run is None:
        return {}
    rows = await session.scalars(
        select(Alert).where(
            Alert.status == AlertStatus.RESOLVED.value,
            Alert.resolved_by_user_id.is_not(None),
            Alert.condition_seen_on >= previous_run,
            Alert.subject_key.in_({key for _, key in keys}),
        )
    )
    wanted = set(keys)
    return {(a.rule, a.subject_key): a for a in rows if (a.rule, a.subject_key) in wanted}


class _Writer:
    """Writes series, their events, tasks, diagnoses, outbox rows and announcements."""

    def __init__(self, session, day: date, config: Config, calendar: WorkingCalendar):
        self.session = session
        self.day = day
        self.config = config
        self.th = config.thresholds
        self.calendar = calendar
        self.summary = RunSummary(day)
        self.units: dict[int, OrgUnit] = {}
        self.managers: dict[int, User | None] = {}
        self.reps: dict[int, Rep] = {}

    async def load_context(self, findings: list[Finding], alerts: list[Alert]) -> None:
        unit_ids = {f.unit_id for f in findings} | {a.unit_id for a in alerts}
        self.units = {
            u.id: u
            for u in await self.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(unit_ids)))
        }
        self.managers = await managers_of_units(self.session, unit_ids)
        rep_ids = {f.rep_id for f in findings if f.rep_id} | {a.rep_id for a in alerts if a.rep_id}
        self.reps = {
            r.id: r for r in await self.session.scalars(select(Rep).where(Rep.id.in_(rep_ids)))
        }

    def _event(self, alert: Alert, kind: AlertEventKind, note: str | None = None) -> None:
        record_event(self.session, alert, kind, self.day, note=note)

    async def raise_series(self, finding: Finding) -> None:
        manager = self.managers.get(finding.unit_id)
        alert = Alert(
            rule=finding.rule.value,
            severity=finding.severity.value,
            status=AlertStatus.OPEN.value,
            subject_key=finding.subject_key,
            unit_id=finding.unit_id,
            rep_id=finding.rep_id,
            target_id=finding.target_id,
            opportunity_id=finding.opportunity_id,
            evidence=_jsonable(finding.evidence),
            raised_on=self.day,
            condition_seen_on=self.day,
            assignee_user_id=manager.id if manager else None,
        )
        self.session.add(alert)
        await self.session.flush()
        self._event(alert, AlertEventKind.RAISED)
        self.summary.counts["raised"] += 1
        task = await self._task(alert, finding, new=True)
        if finding.rule == AlertRule.CIRCUIT_BREAKER:
            await self._diagnose(alert, finding)
        await self._tell(alert, "alert.raised", task)

    async def escalate(self, alert: Alert, finding: Finding) -> None:
        alert.severity = finding.severity.value
        alert.status = AlertStatus.OPEN.value
        alert.evidence = _jsonable(finding.evidence)
        alert.condition_seen_on = self.day
        self._event(alert, AlertEventKind.ESCALATED)
        self.summary.counts["escalated"] += 1
        task = await self._task(alert, finding)
        await self._tell(alert, "alert.escalated", task)

    def refresh(self, alert: Alert, finding: Finding) -> None:
        evidence = _jsonable(finding.evidence)
        if alert.evidence != evidence:
            alert.evidence = evidence
        alert.condition_seen_on = max(alert.condition_seen_on, self.day)

    async def resolve(self, alert: Alert, clearance: Clearance) -> None:
        alert.status = AlertStatus.RESOLVED.value
        alert.resolved_on = self.day
        alert.resolution_reason = clearance.reason
        self._event(alert, AlertEventKind.RESOLVED, clearance.reason)
        self.summary.counts["resolved"] += 1
        await self._tell(alert, "alert.resolved", None, announce=False)

    async def _task(self, alert: Alert, finding: Finding, new: bool = False) -> AlertTask | None:
        """The finding's task, unless the series already has one of that kind."""
        if finding.task is None:
            return None
        exists = not new and await self.session.scalar(
            select(AlertTask.id).where(
                AlertTask.alert_id == alert.id, AlertTask.kind == finding.task.value
            )
        )
        if exists:
            return None
        task = AlertTask(
            alert_id=alert.id,
            kind=finding.task.value,
            unit_id=alert.unit_id,
            rep_id=alert.rep_id,
            assignee_user_id=alert.assignee_user_id,
            due_on=self._due(),
        )
        self.session.add(task)
        await self.session.flush()
        self.summary.counts["tasks"] += 1
        return task

    def _due(self) -> date:
        """`task_due_days` working days after the evaluated day."""
        due, left = self.day, self.th.task_due_days
        while left > 0:
            due += timedelta(days=1)
            left -= self.calendar.is_working(due)
        return due

    async def _diagnose(self, alert: Alert, finding: Finding) -> None:
        from domain.alerts.diagnosis import diagnose

        week = date.fromisoformat(max(finding.evidence["weeks"]))
        exists = await self.session.scalar(
            select(HealthDiagnosis.id).where(
                HealthDiagnosis.unit_id == alert.unit_id, HealthDiagnosis.week_start == week
            )
        )
        if exists is None:
            findings = await diagnose(
                self.session, self.units[alert.unit_id], week, self.day, self.config
            )
            self.session.add(
                HealthDiagnosis(
                    unit_id=alert.unit_id, alert_id=alert.id, week_start=week, findings=findings
                )
            )
            self.summary.counts["diagnoses"] += 1

    async def _tell(self, alert: Alert, kind: str, task: AlertTask | None, announce=True) -> None:
        unit = self.units[alert.unit_id]
        rep = self.reps.get(alert.rep_id) if alert.rep_id is not None else None
        payload = alert_payload(alert, unit, rep, kind, self.managers)
        if task is not None:
            payload["task"] = task_payload(task, self.managers.get(alert.unit_id))
        severity = Severity(alert.severity)
        await enqueue(self.session, kind=kind, unit=unit, severity=severity, payload=payload)
        if task is not None:
            await enqueue(
                self.session, kind="task.created", unit=unit, severity=severity, payload=payload
            )
        if announce:
            await live.announce(
                self.session,
                {
                    "event": kind,
                    "alert_id": alert.id,
                    "severity": alert.severity,
                    "unit_path": unit.path,
                    "rep_id": alert.rep_id,
                },
            )


def alert_payload(
    alert: Alert, unit: OrgUnit, rep: Rep | None, kind: str, managers
) -> dict[str, Any]:
    rule = AlertRule(alert.rule)
    title_zh, title_en = rules.title(rule, alert.evidence)
    return {
        "event": kind,
        "alert": {
            "id": alert.id,
            "rule": rule.value,
            "rule_label": {"zh": rule.label_zh, "en": rule.label_en},
            "severity": alert.severity,
            "status": alert.status,
            "unit": {"id": unit.id, "name": unit.name},
            "rep": {"id": rep.id, "name": rep.name} if rep else None,
            "title": {"zh": title_zh, "en": title_en},
            "evidence": alert.evidence,
            "raised_on": alert.raised_on.isoformat(),
            "resolution_reason": alert.resolution_reason,
        },
        "task": None,
    }


def task_payload(task: AlertTask, assignee: User | None) -> dict[str, Any]:
    kind = TaskKind(task.kind)
    return {
        "id": task.id,
        "kind": kind.value,
        "label": {"zh": kind.label_zh, "en": kind.label_en},
        "due_on": task.due_on.isoformat(),
        "assignee": assignee.display_name if assignee else None,
    }


def _jsonable(value: Any) -> Any:
    """Evidence as stored in JSON: dates as ISO strings, tuples as lists."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def check_day(day: date | None, today: date) -> date:
    """The day to evaluate: today by default, never a day that has not happened."""
    if day is None:
        return today
    if day > today:
        raise InvalidInput(
            AlertError.DAY_IN_FUTURE,
            "不能评估尚未到来的日期",
            "A day that has not come yet cannot be evaluated",
            "day",
        )
    return day


def config_from(settings: Settings, extra_loops: tuple = ()) -> Config:
    """The run's configuration; `extra_loops` are loops of contexts above alerts (see
    domain/health/actions.py), which only the caller can name."""
    return Config(
        thresholds=rules.Thresholds.from_mapping(settings.alert_thresholds),
        timezone=settings.timezone,
        minimums=settings.kpi_minimums or DEFAULT_MINIMUMS,
        country=settings.holiday_country,
        loops=loop_config(settings, extra_loops),
        forecast=ForecastThresholds.of(settings),
    )


async def run_for_day(
    session: AsyncSession, settings: Settings, day: date, extra_loops: tuple = ()
) -> RunSummary:
    """What `pacer alerts run` and the `runAlerts` mutation do."""
    calendar = await working_calendar(session, settings.holiday_country)
    config = config_from(settings, extra_loops)
    return await run_alerts(session, day=day, calendar=calendar, config=config)
