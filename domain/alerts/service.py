"""Alert use-cases: what a person sees and does with alerts and their tasks —
acknowledge, assign, comment, resolve, complete — and the counts behind the badges."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts.errors import AlertError
from domain.alerts.models import (
    Alert,
    AlertEvent,
    AlertEventKind,
    AlertRule,
    AlertStatus,
    AlertTask,
    HealthDiagnosis,
    TaskKind,
)
from domain.db import utcnow
from domain.errors import Conflict, Forbidden, InvalidInput, not_found
from domain.kernel.actor import Actor, Role, per_actor
from domain.kernel.severity import Severity
from domain.kernel.sql import IDS, by_ids, ids_of, rows_by_ids
from domain.kernel.text import clean_text
from domain.org.errors import OrgError
from domain.org.models import OrgUnit, User
from domain.org.service import in_scope, units_in_subtree
from domain.paging import Page, fetch_page

UNRESOLVED = (AlertStatus.OPEN.value, AlertStatus.ACKNOWLEDGED.value)


@per_actor
def alert_visible(actor: Actor) -> ColumnElement[bool]:
    return in_scope(actor, Alert.unit_id, Alert.rep_id)


@per_actor
def task_visible(actor: Actor) -> ColumnElement[bool]:
    return or_(
        in_scope(actor, AlertTask.unit_id, AlertTask.rep_id),
        AlertTask.assignee_user_id == actor.user_id,
    )


@dataclass(frozen=True)
class AlertFilter:
    unit_id: int | None = None
    severities: Sequence[Severity] = ()
    statuses: Sequence[AlertStatus] = ()
    rules: Sequence[AlertRule] = ()
    rep_id: int | None = None


async def _subtree(session, unit_id: int | None):
    if unit_id is None:
        return None
    unit = await session.get(OrgUnit, unit_id)
    return units_in_subtree(unit.path if unit else "\0")


async def list_alerts(
    session: AsyncSession, actor: Actor, where: AlertFilter, *, first: int, after: int | None
) -> Page[Alert]:
    stmt = select(Alert).where(alert_visible(actor))
    subtree = await _subtree(session, where.unit_id)
    if subtree is not None:
        stmt = stmt.where(Alert.unit_id.in_(subtree))
    if where.severities:
        stmt = stmt.where(Alert.severity.in_([s.value for s in where.severities]))
    if where.statuses:
        stmt = stmt.where(Alert.status.in_([s.value for s in where.statuses]))
    if where.rules:
        stmt = stmt.where(Alert.rule.in_([r.value for r in where.rules]))
    if where.rep_id is not None:
        stmt = stmt.where(Alert.rep_id == where.rep_id)
    return await fetch_page(session, stmt, Alert.id, after, first)


async def alert_counts(
    session: AsyncSession, actor: Actor, unit_id: int | None = None
) -> dict[tuple[str, str], int]:
    """Unresolved alerts per (severity, status) in scope: one statement, for badges."""
    stmt = (
        select(Alert.severity, Alert.status, func.count())
        .where(alert_visible(actor), Alert.status.in_(UNRESOLVED))
        .group_by(Alert.severity, Alert.status)
    )
    subtree = await _subtree(session, unit_id)
    if subtree is not None:
        stmt = stmt.where(Alert.unit_id.in_(subtree))
    return {(severity, status): n for severity, status, n in await session.execute(stmt)}


_ALERTS_BY_IDS = by_ids(Alert, alert_visible)


async def alerts_by_ids(session: AsyncSession, actor: Actor, ids) -> dict[int, Alert]:
    return await rows_by_ids(session, _ALERTS_BY_IDS(actor), ids)


_EVENTS_OF = select(AlertEvent).where(AlertEvent.alert_id.in_(IDS)).order_by(AlertEvent.id)
_TASKS_OF = select(AlertTask).where(AlertTask.alert_id.in_(IDS)).order_by(AlertTask.id)
_DIAGNOSES_OF = select(HealthDiagnosis).where(HealthDiagnosis.alert_id.in_(IDS))


async def events_of_alerts(session: AsyncSession, ids) -> dict[int, list[AlertEvent]]:
    events: dict[int, list[AlertEvent]] = {i: [] for i in ids}
    for event in await session.scalars(_EVENTS_OF, ids_of(ids)):
        events[event.alert_id].append(event)
    return events


async def tasks_of_alerts(session: AsyncSession, ids) -> dict[int, list[AlertTask]]:
    tasks: dict[int, list[AlertTask]] = {i: [] for i in ids}
    for task in await session.scalars(_TASKS_OF, ids_of(ids)):
        if task.alert_id is not None:
            tasks[task.alert_id].append(task)
    return tasks


async def diagnoses_of_alerts(session: AsyncSession, ids) -> dict[int, HealthDiagnosis | None]:
    found = {d.alert_id: d for d in await session.scalars(_DIAGNOSES_OF, ids_of(ids))}
    return {i: found.get(i) for i in ids}


async def list_tasks(
    session: AsyncSession,
    actor: Actor,
    *,
    open_only: bool,
    mine_only: bool,
    first: int,
    after: int | None,
    kinds: Sequence[TaskKind] = (),
) -> Page[AlertTask]:
    stmt = select(AlertTask).where(task_visible(actor))
    if kinds:
        stmt = stmt.where(AlertTask.kind.in_([k.value for k in kinds]))
    if open_only:
        stmt = stmt.where(AlertTask.completed_at.is_(None))
    if mine_only:
        stmt = stmt.where(AlertTask.assignee_user_id == actor.user_id)
    return await fetch_page(session, stmt, AlertTask.id, after, first)


_TASKS_BY_IDS = by_ids(AlertTask, task_visible)


async def tasks_by_ids(session: AsyncSession, actor: Actor, ids) -> dict[int, AlertTask]:
    return await rows_by_ids(session, _TASKS_BY_IDS(actor), ids)


async def list_diagnoses(
    session: AsyncSession, actor: Actor, unit_id: int | None, limit: int
) -> list[HealthDiagnosis]:
    """The newest diagnoses of units in scope (or a unit's subtree)."""
    stmt = select(HealthDiagnosis).where(in_scope(actor, HealthDiagnosis.unit_id, None))
    subtree = await _subtree(session, unit_id)
    if subtree is not None:
        stmt = stmt.where(HealthDiagnosis.unit_id.in_(subtree))
    stmt = stmt.order_by(HealthDiagnosis.week_start.desc(), HealthDiagnosis.id.desc())
    return list(await session.scalars(stmt.limit(limit)))


async def subscription_scope(
    session: AsyncSession, actor: Actor, unit_id: int | None
) -> str | None:
    """The unit path a live subscription narrows to (None: the actor's whole scope);
    UNIT_NOT_FOUND unless the actor manages that unit."""
    if unit_id is None:
        return None
    unit = await session.get(OrgUnit, unit_id)
    if unit is None or not actor.manages_path(unit.path):
        raise not_found(OrgError.UNIT_NOT_FOUND, "unit_id", "组织单元", "org unit")
    return unit.path


# --- lifecycle --------------------------------------------------------------------------


async def _locked_with_unit(session, model, row_id: int, visible, not_found_error):
    """A row (alert or task) the actor may see, locked for the change, with its unit."""
    row = (
        await session.execute(
            select(model, OrgUnit)
            .join(OrgUnit, OrgUnit.id == model.unit_id)
            .where(model.id == row_id, visible)
            .with_for_update(of=model)
        )
    ).first()
    if row is None:
        raise not_found_error
    return row[0], row[1]


async def _alert_for(session: AsyncSession, actor: Actor, alert_id: int) -> tuple[Alert, OrgUnit]:
    missing = not_found(AlertError.ALERT_NOT_FOUND, "id", "预警", "alert")
    return await _locked_with_unit(session, Alert, alert_id, alert_visible(actor), missing)


def _unresolved(alert: Alert) -> None:
    if alert.status == AlertStatus.RESOLVED.value:
        raise Conflict(
            AlertError.ALREADY_RESOLVED, "预警已解决", "The alert is already resolved", "id"
        )


def _require_manager(actor: Actor, unit: OrgUnit) -> None:
    if not actor.manages_path(unit.path):
        raise Forbidden(
            AlertError.NOT_A_MANAGER,
            "只有该单元的经理、总监或管理员可以执行此操作",
            "Only a manager, director or admin of the unit can do this",
            "id",
        )


def record_event(
    session: AsyncSession,
    alert: Alert,
    kind: AlertEventKind,
    day: date,
    *,
    user_id: int | None = None,
    note: str | None = None,
) -> None:
    """Append to an alert's history, at its current severity (`user_id` None: the evaluator)."""
    session.add(
        AlertEvent(
            alert_id=alert.id,
            kind=kind.value,
            severity=alert.severity,
            day=day,
            user_id=user_id,
            note=note,
        )
    )


def _record(session, alert: Alert, actor: Actor, kind: AlertEventKind, today: date, note=None):
    record_event(session, alert, kind, today, user_id=actor.user_id, note=note)


async def acknowledge_alert(
    session: AsyncSession, actor: Actor, *, alert_id: int, today: date
) -> Alert:
    """The rep it is about or a manager of its unit takes note of it."""
    alert, _ = await _alert_for(session, actor, alert_id)
    _unresolved(alert)
    if alert.status == AlertStatus.ACKNOWLEDGED.value:
        raise Conflict(
            AlertError.ALREADY_ACKNOWLEDGED, "预警已确认", "The alert is already acknowledged", "id"
        )
    alert.status = AlertStatus.ACKNOWLEDGED.value
    _record(session, alert, actor, AlertEventKind.ACKNOWLEDGED, today)
    await session.flush()
    return alert


async def assign_alert(
    session: AsyncSession, actor: Actor, *, alert_id: int, user_id: int, today: date
) -> Alert:
    """A manager hands the alert to someone who can see it."""
    alert, unit = await _alert_for(session, actor, alert_id)
    _require_manager(actor, unit)
    _unresolved(alert)
    assignee = await session.get(User, user_id)
    if assignee is None or not assignee.active:
        raise not_found(OrgError.USER_NOT_FOUND, "assignee_id", "用户", "user")
    if not await _can_see(session, assignee, unit, alert):
        raise InvalidInput(
            AlertError.ASSIGNEE_OUT_OF_SCOPE,
            "被指派人看不到这个预警",
            "The assignee cannot see this alert",
            "assignee_id",
        )
    alert.assignee_user_id = assignee.id
    _record(session, alert, actor, AlertEventKind.ASSIGNED, today, assignee.display_name)
    await session.flush()
    return alert


async def _can_see(session, user: User, unit: OrgUnit, alert: Alert) -> bool:
    roles = set(user.roles)
    if Role.ADMIN.value in roles and user.scope_unit_id is None:
        return True
    if roles & {Role.ADMIN.value, Role.DIRECTOR.value, Role.MANAGER.value} and user.scope_unit_id:
        scope = await session.get(OrgUnit, user.scope_unit_id)
        if scope is not None and unit.path.startswith(scope.path):
            return True
    return alert.rep_id is not None and user.rep_id == alert.rep_id


async def comment_on_alert(
    session: AsyncSession, actor: Actor, *, alert_id: int, body: str, today: date
) -> Alert:
    alert, _ = await _alert_for(session, actor, alert_id)
    text = clean_text(body, "body", max_length=2000)
    _record(session, alert, actor, AlertEventKind.COMMENTED, today, text)
    await session.flush()
    return alert


async def resolve_alert(
    session: AsyncSession, actor: Actor, *, alert_id: int, reason: str, today: date
) -> Alert:
    """A manager closes the series by hand, with a reason. While its condition continues
    without a break, the evaluator does not raise it again."""
    alert, unit = await _alert_for(session, actor, alert_id)
    _require_manager(actor, unit)
    _unresolved(alert)
    text = clean_text(reason, "reason", max_length=2000)
    alert.status = AlertStatus.RESOLVED.value
    alert.resolved_on = max(today, alert.raised_on)  # never before it was raised
    alert.resolution_reason = text
    alert.resolved_by_user_id = actor.user_id
    _record(session, alert, actor, AlertEventKind.RESOLVED, today, text)
    await session.flush()
    return alert


async def complete_task(
    session: AsyncSession,
    actor: Actor,
    *,
    task_id: int,
    outcome: str,
    now: datetime | None = None,
) -> AlertTask:
    """The assignee or a manager of the unit records the task as done, with its outcome."""
    return await _close_task(session, actor, task_id, outcome, "outcome", False, now)


async def dismiss_task(
    session: AsyncSession,
    actor: Actor,
    *,
    task_id: int,
    reason: str,
    now: datetime | None = None,
) -> AlertTask:
    """The assignee or a manager of the unit closes the task without doing it, saying why
    (a loop's suggestion that does not apply, a dashboard action already in hand)."""
    return await _close_task(session, actor, task_id, reason, "reason", True, now)


async def _close_task(session, actor, task_id, text, field, dismissed, now) -> AlertTask:
    missing = not_found(AlertError.TASK_NOT_FOUND, "id", "任务", "task")
    task, unit = await _locked_with_unit(session, AlertTask, task_id, task_visible(actor), missing)
    if task.assignee_user_id != actor.user_id:
        _require_manager(actor, unit)
    if task.completed_at is not None:
        raise Conflict(
            AlertError.ALREADY_COMPLETED,
            "任务已关闭（已完成或已忽略）",
            "The task is already closed (done or dismissed)",
            "id",
        )
    task.outcome = clean_text(text, field, max_length=2000)
    task.completed_at = now or utcnow()
    task.completed_by_user_id = actor.user_id
    task.dismissed = dismissed
    await session.flush()
    return task


def overdue(task: AlertTask, today: date) -> bool:
    return task.completed_at is None and task.due_on < today
