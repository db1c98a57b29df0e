"""Forecasting: the category history of opportunities, and the weekly forecast calls of reps
and units with their append-only versions.

A call is one owner's (a rep, or an org unit through its manager) word for one period
(month, quarter) and metric, made in one ISO week: a commit amount and a best-case amount.
Every submit or adjustment appends a `ForecastCallVersion` and moves the call's head
(`ForecastCall`) to it; once the week has ended the call is frozen."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, utcnow
from domain.kernel.sql import one_of
from domain.labels import LabelledEnum, register


@register
class ForecastCategory(LabelledEnum):
    PIPELINE = ("pipeline", "管道", "Pipeline")
    BEST_CASE = ("best_case", "最佳情况", "Best case")
    COMMIT = ("commit", "承诺", "Commit")
    OMITTED = ("omitted", "不计入", "Omitted")
    WON = ("won", "已成交", "Won")


# What an owner may set on an open opportunity; `won` is read off a won one.
SETTABLE_CATEGORIES = (
    ForecastCategory.PIPELINE,
    ForecastCategory.BEST_CASE,
    ForecastCategory.COMMIT,
    ForecastCategory.OMITTED,
)


@register
class CallAction(LabelledEnum):
    SUBMITTED = ("submitted", "提交", "Submitted")
    ADJUSTED = ("adjusted", "经理调整", "Adjusted")


# The metrics and periods a call may be made for.
CALL_METRICS = ("revenue",)
CALL_PERIOD_KINDS = ("month", "quarter")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ForecastCategoryChange(Base):
    """Append-only: who moved an opportunity to which forecast category, and when."""

    __tablename__ = "forecast_category_change"
    __table_args__ = (
        sa.CheckConstraint(_in("new_category", tuple(SETTABLE_CATEGORIES)), name="new_category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(sa.ForeignKey("opportunity.id"), index=True)
    old_category: Mapped[str] = mapped_column(sa.String(16))
    new_category: Mapped[str] = mapped_column(sa.String(16))
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ForecastCall(Base):
    """The head of one call: (metric, owner, period, week) and its latest version."""

    __tablename__ = "forecast_call"
    __table_args__ = (
        sa.CheckConstraint(_in("metric", CALL_METRICS), name="metric"),
        sa.CheckConstraint(_in("period_kind", CALL_PERIOD_KINDS), name="period_kind"),
        sa.CheckConstraint(one_of("action", CallAction), name="action"),
        sa.CheckConstraint("commit_amount >= 0", name="commit_not_negative"),
        sa.CheckConstraint("best_case_amount >= commit_amount", name="best_case_covers_commit"),
        sa.CheckConstraint(
            "(owner_unit_id IS NULL) <> (owner_rep_id IS NULL)", name="exactly_one_owner"
        ),
        sa.UniqueConstraint(  # named: the convention's name is past PostgreSQL's 63 characters
            "metric",
            "owner_key",
            "period_kind",
            "period_start",
            "week_start",
            name="uq_forecast_call_week",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(sa.String(24))
    owner_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    owner_rep_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rep.id"), index=True)
    # "unit:5" or "rep:7", as on targets: one column so the uniqueness holds everywhere.
    owner_key: Mapped[str] = mapped_column(sa.String(32))
    period_kind: Mapped[str] = mapped_column(sa.String(8))
    period_start: Mapped[date] = mapped_column(sa.Date)
    week_start: Mapped[date] = mapped_column(sa.Date, index=True)
    version: Mapped[int] = mapped_column(sa.Integer)
    action: Mapped[str] = mapped_column(sa.String(16))
    commit_amount: Mapped[int] = mapped_column(sa.BigInteger)
    best_case_amount: Mapped[int] = mapped_column(sa.BigInteger)
    # A unit's calls: the sum of the calls below when it was made (null for a rep).
    rollup_commit: Mapped[int | None] = mapped_column(sa.BigInteger)
    rollup_best_case: Mapped[int | None] = mapped_column(sa.BigInteger)
    note: Mapped[str | None] = mapped_column(sa.Text)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    # The model's expected amount when the call was made: scored beside the call.
    model_expected: Mapped[int | None] = mapped_column(sa.BigInteger)
    model_source: Mapped[str | None] = mapped_column(sa.String(16))
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ForecastCallVersion(Base):
    """Append-only history of a call: every submit and adjustment, who, when, why."""

    __tablename__ = "forecast_call_version"
    __table_args__ = (
        sa.CheckConstraint(one_of("action", CallAction), name="action"),
        sa.UniqueConstraint("call_id", "version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("forecast_call.id"), index=True)
    version: Mapped[int] = mapped_column(sa.Integer)
    action: Mapped[str] = mapped_column(sa.String(16))
    commit_amount: Mapped[int] = mapped_column(sa.BigInteger)
    best_case_amount: Mapped[int] = mapped_column(sa.BigInteger)
    rollup_commit: Mapped[int | None] = mapped_column(sa.BigInteger)
    rollup_best_case: Mapped[int | None] = mapped_column(sa.BigInteger)
    note: Mapped[str | None] = mapped_column(sa.Text)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    model_expected: Mapped[int | None] = mapped_column(sa.BigInteger)
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
