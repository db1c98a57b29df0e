"""Alerts as series with an append-only history, the tasks they create, circuit-breaker
diagnoses, the record of evaluation runs, and weekly calibration reviews."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, utcnow
from domain.kernel.severity import Severity
from domain.kernel.sql import one_of
from domain.labels import LabelledEnum, register


@register
class AlertRule(LabelledEnum):
    KPI_MISS = ("kpi_miss", "行为指标连续未达标", "Behaviour KPIs missed")
    PACE = ("pace", "进度落后", "Behind pace")
    WEEK_TO_DATE = ("week_to_date", "本周完成率过低", "Week-to-date completion too low")
    CIRCUIT_BREAKER = ("circuit_breaker", "熔断：连续两周低于基线", "Circuit breaker")
    STALE_KEY = ("stale_key", "关键商机无客户回应", "Key opportunity without response")
    FORECAST = ("forecast", "预测风险：承诺低于目标或偏离模型", "Forecast at risk")


@register
class AlertStatus(LabelledEnum):
    OPEN = ("open", "待处理", "Open")
    ACKNOWLEDGED = ("acknowledged", "已确认", "Acknowledged")
    RESOLVED = ("resolved", "已解决", "Resolved")


@register
class AlertEventKind(LabelledEnum):
    RAISED = ("raised", "触发", "Raised")
    ESCALATED = ("escalated", "升级", "Escalated")
    ACKNOWLEDGED = ("acknowledged", "确认", "Acknowledged")
    ASSIGNED = ("assigned", "指派", "Assigned")
    COMMENTED = ("commented", "评论", "Commented")
    RESOLVED = ("resolved", "解决", "Resolved")


@register
class TaskKind(LabelledEnum):
    ONE_ON_ONE = ("one_on_one", "一对一辅导", "1:1 coaching")
    REVIEW_MEETING = ("review_meeting", "复盘会", "Review meeting")
    ROOT_CAUSE_MEETING = ("root_cause_meeting", "根因分析会", "Root-cause meeting")
    # The loops of the daily run (domain/alerts/loops): tasks without an alert series.
    FOLLOW_UP_REVIEW = ("follow_up_review", "重点客户跟进复盘", "Key customers' follow-up review")
    JOINT_DIAGNOSIS = ("joint_diagnosis", "市场-销售联合诊断", "Marketing–sales joint diagnosis")
    MENTORING_AUDIT = ("mentoring_audit", "带教流程审计", "Mentoring audit")
    SERVICE_UPGRADE = ("service_upgrade", "专属服务升级", "Service upgrade")
    SECOND_TOUCH = ("second_touch", "二次触达建议", "Second-touch suggestion")
    CALIBRATION_DUE = ("calibration_due", "双周目标校准", "Calibration due")


@register
class TaskStatus(LabelledEnum):
    OPEN = ("open", "待处理", "Open")
    DONE = ("done", "已完成", "Done")
    DISMISSED = ("dismissed", "已忽略", "Dismissed")


@register
class PairingOutcome(LabelledEnum):
    PAIRED = ("paired", "已结对", "Paired")
    NO_SENIOR = ("no_senior", "无合适的资深同事", "No senior colleague available")


class Alert(Base):
    """One alert series: a rule tripping for one subject (a rep, a target, a unit, an
    opportunity) from the day it is raised until it resolves. Escalation changes its
    severity, never its identity; the events keep the history."""

    __tablename__ = "alert"
    __table_args__ = (
        sa.CheckConstraint(one_of("rule", AlertRule), name="rule"),
        sa.CheckConstraint(one_of("severity", Severity), name="severity"),
        sa.CheckConstraint(one_of("status", AlertStatus), name="status"),
        # Never resolved before it was raised (a replayed earlier day once did that).
        sa.CheckConstraint(
            "resolved_on IS NULL OR resolved_on >= raised_on", name="resolved_after_raised"
        ),
        # At most one unresolved series per rule and subject, whoever evaluates.
        sa.Index(
            "uq_alert_open_series",
            "rule",
            "subject_key",
            unique=True,
            sqlite_where=sa.text("status <> 'resolved'"),
            postgresql_where=sa.text("status <> 'resolved'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(sa.String(24))
    severity: Mapped[str] = mapped_column(sa.String(8), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default=AlertStatus.OPEN.value, index=True)
    subject_key: Mapped[str] = mapped_column(sa.String(80))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    rep_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rep.id"), index=True)
    target_id: Mapped[int | None] = mapped_column(sa.ForeignKey("target.id"), index=True)
    opportunity_id: Mapped[int | None] = mapped_column(sa.ForeignKey("opportunity.id"), index=True)
    evidence: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    raised_on: Mapped[date] = mapped_column(sa.Date)
    condition_seen_on: Mapped[date] = mapped_column(sa.Date)
    assignee_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"), index=True)
    resolved_on: Mapped[date | None] = mapped_column(sa.Date)
    resolution_reason: Mapped[str | None] = mapped_column(sa.Text)
    resolved_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AlertEvent(Base):
    """Append-only history of an alert: raised, escalated, acknowledged, assigned,
    commented, resolved."""

    __tablename__ = "alert_event"
    __table_args__ = (
        sa.CheckConstraint(one_of("kind", AlertEventKind), name="kind"),
        sa.CheckConstraint(one_of("severity", Severity), name="severity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(sa.ForeignKey("alert.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    severity: Mapped[str] = mapped_column(sa.String(8))
    day: Mapped[date] = mapped_column(sa.Date)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    note: Mapped[str | None] = mapped_column(sa.Text)


class AlertTask(Base):
    """Work an alert asks for (a 1:1 coaching, a review meeting, a root-cause meeting), or
    that a loop of the daily run opens without an alert (a dashboard action, a second touch,
    a calibration due): those have no alert, a `subject_key` that makes them once-only, and
    the numbers behind them in `details`. Closed as done (with an outcome) or dismissed."""

    __tablename__ = "alert_task"
    __table_args__ = (
        sa.CheckConstraint(one_of("kind", TaskKind), name="kind"),
        sa.CheckConstraint("alert_id IS NOT NULL OR subject_key IS NOT NULL", name="origin"),
        sa.CheckConstraint("NOT dismissed OR completed_at IS NOT NULL", name="dismissed_closed"),
        sa.UniqueConstraint("alert_id", "kind"),
        sa.UniqueConstraint("kind", "subject_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int | None] = mapped_column(sa.ForeignKey("alert.id"), index=True)
    subject_key: Mapped[str | None] = mapped_column(sa.String(120))
    details: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    dismissed: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    kind: Mapped[str] = mapped_column(sa.String(24))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    rep_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rep.id"), index=True)
    assignee_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"), index=True)
    due_on: Mapped[date] = mapped_column(sa.Date)
    completed_at: Mapped[datetime | None] = mapped_column()
    completed_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    outcome: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MentorPairing(Base):
    """An orange KPI alert's help: the rep paired with the senior colleague of the same team
    strongest in the weak dimension for the week after, or — `mentor_rep_id` null — the
    record that nobody qualified. A rep is paired at most once a week, and a senior helps at
    most one rep a week."""

    __tablename__ = "mentor_pairing"
    __table_args__ = (
        sa.CheckConstraint(one_of("outcome", PairingOutcome), name="outcome"),
        sa.CheckConstraint(
            "(outcome = 'paired') = (mentor_rep_id IS NOT NULL)", name="mentor_when_paired"
        ),
        sa.UniqueConstraint("rep_id", "week_start"),
        sa.UniqueConstraint("mentor_rep_id", "week_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(sa.ForeignKey("alert.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    rep_id: Mapped[int] = mapped_column(sa.ForeignKey("rep.id"), index=True)
    mentor_rep_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rep.id"), index=True)
    outcome: Mapped[str] = mapped_column(sa.String(16))
    week_start: Mapped[date] = mapped_column(sa.Date)
    kpi: Mapped[str] = mapped_column(sa.String(32))
    dimension: Mapped[str] = mapped_column(sa.String(40))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HealthDiagnosis(Base):
    """What the circuit breaker collects for a unit's root-cause meeting: top gap reasons,
    KPI misses, funnel conversion against the previous period, stale key opportunities."""

    __tablename__ = "health_diagnosis"
    __table_args__ = (sa.UniqueConstraint("unit_id", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    alert_id: Mapped[int] = mapped_column(sa.ForeignKey("alert.id"), index=True)
    week_start: Mapped[date] = mapped_column(sa.Date)
    findings: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AlertRun(Base):
    """One row per evaluated day: how often it ran and when it last ran. What each run
    changed is in `AlertRunLog`."""

    __tablename__ = "alert_run"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    runs: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_run_at: Mapped[datetime] = mapped_column(default=utcnow)


class AlertRunLog(Base):
    """One row per evaluation run, appended: when it ran and what it changed. A rerun that
    changes nothing adds its own row and leaves the run that did the work as it was."""

    __tablename__ = "alert_run_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.ForeignKey("alert_run.day"), index=True)
    started_at: Mapped[datetime] = mapped_column()
    finished_at: Mapped[datetime] = mapped_column()
    summary: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    changed: Mapped[bool] = mapped_column(sa.Boolean)
