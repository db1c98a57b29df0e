"""Deals history, targets with their append-only versions, and the inputs of planning."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, utcnow
from domain.kernel.sql import one_of
from domain.labels import LabelledEnum, register


@register
class Metric(LabelledEnum):
    REVENUE = ("revenue", "销售额", "Revenue")
    COLLECTIONS = ("collections", "回款额", "Collections")
    DEALS_WON = ("deals_won", "成交单数", "Deals won")
    NEW_CUSTOMERS = ("new_customers", "新客户数", "New customers")
    HIGH_MARGIN_SHARE = ("high_margin_share", "高毛利占比", "High-margin share")


@register
class MetricUnit(LabelledEnum):
    MONEY = ("money", "金额（分）", "Money (minor units)")
    COUNT = ("count", "数量", "Count")
    RATIO = ("ratio", "比例（基点）", "Ratio (basis points)")


METRIC_UNITS = {
    Metric.REVENUE: MetricUnit.MONEY,
    Metric.COLLECTIONS: MetricUnit.MONEY,
    Metric.DEALS_WON: MetricUnit.COUNT,
    Metric.NEW_CUSTOMERS: MetricUnit.COUNT,
    Metric.HIGH_MARGIN_SHARE: MetricUnit.RATIO,
}


@register
class PeriodKind(LabelledEnum):
    YEAR = ("year", "年", "Year")
    QUARTER = ("quarter", "季度", "Quarter")
    MONTH = ("month", "月", "Month")
    WEEK = ("week", "周", "Week")


@register
class TargetStatus(LabelledEnum):
    DRAFT = ("draft", "草稿", "Draft")
    PROPOSED = ("proposed", "已提报", "Proposed")
    APPROVED = ("approved", "已批准", "Approved")
    LOCKED = ("locked", "已锁定", "Locked")


class Deal(Base):
    """A closed deal from history (imported) — the actuals that baselines and progress use."""

    __tablename__ = "deal"
    __table_args__ = (sa.CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    close_date: Mapped[date] = mapped_column(sa.Date, index=True)
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    rep_id: Mapped[int] = mapped_column(sa.ForeignKey("rep.id"), index=True)
    customer: Mapped[str] = mapped_column(sa.String(200))
    segment: Mapped[str] = mapped_column(sa.String(40))
    product_line: Mapped[str] = mapped_column(sa.String(80))
    high_margin: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    one_off: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class Target(Base):
    """A number for (metric, owner, period). Owner is an org unit or a rep, never both."""

    __tablename__ = "target"
    __table_args__ = (
        sa.CheckConstraint(one_of("metric", Metric), name="metric"),
        sa.CheckConstraint(one_of("period_kind", PeriodKind), name="period_kind"),
        sa.CheckConstraint(one_of("status", TargetStatus), name="status"),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
        sa.CheckConstraint(
            "(owner_unit_id IS NULL) <> (owner_rep_id IS NULL)", name="exactly_one_owner"
        ),
        sa.UniqueConstraint("metric", "owner_key", "period_kind", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(sa.String(24))
    owner_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    owner_rep_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rep.id"), index=True)
    # "unit:5" or "rep:7": one column so the uniqueness holds on every database.
    owner_key: Mapped[str] = mapped_column(sa.String(32))
    period_kind: Mapped[str] = mapped_column(sa.String(8))
    period_start: Mapped[date] = mapped_column(sa.Date)
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[str] = mapped_column(sa.String(12), default=TargetStatus.DRAFT.value)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("target.id"), index=True)
    # Why this number: the allocation inputs, shares and the sentence its owner reads.
    explanation: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}


class TargetVersion(Base):
    """Append-only history of a target: every change, who, when, why, old and new."""

    __tablename__ = "target_version"
    __table_args__ = (sa.UniqueConstraint("target_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("target.id"), index=True)
    version: Mapped[int] = mapped_column(sa.Integer)
    action: Mapped[str] = mapped_column(sa.String(16))
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    old_amount: Mapped[int | None] = mapped_column(sa.BigInteger)
    new_amount: Mapped[int] = mapped_column(sa.BigInteger)
    old_status: Mapped[str | None] = mapped_column(sa.String(12))
    new_status: Mapped[str] = mapped_column(sa.String(12))
    director_override: Mapped[bool] = mapped_column(sa.Boolean, default=False)


class TargetProposal(Base):
    """Bottom-up: the number an owner (manager or rep) proposes for their own target."""

    __tablename__ = "target_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("target.id"), index=True)
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    reason: Mapped[str] = mapped_column(sa.Text)
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class MarketPotential(Base):
    """A planning input per unit or rep: the relative size of the market it covers."""

    __tablename__ = "market_potential"
    __table_args__ = (
        sa.UniqueConstraint("owner_key"),
        sa.CheckConstraint("value >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_key: Mapped[str] = mapped_column(sa.String(32))
    value: Mapped[float] = mapped_column(sa.Float)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class BusinessCoefficient(Base):
    """A dated event that scales the baseline, e.g. ×0.8 in the 45 days before Spring
    Festival; optionally only for one segment of deals."""

    __tablename__ = "business_coefficient"
    __table_args__ = (
        sa.CheckConstraint("multiplier > 0", name="multiplier_positive"),
        sa.CheckConstraint("end_date >= start_date", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    start_date: Mapped[date] = mapped_column(sa.Date)
    end_date: Mapped[date] = mapped_column(sa.Date)
    multiplier: Mapped[float] = mapped_column(sa.Float)
    segment: Mapped[str | None] = mapped_column(sa.String(40))
    # It applies once both the director and the regional head have confirmed it.
    director_confirmed_at: Mapped[datetime | None] = mapped_column()
    director_confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    regional_confirmed_at: Mapped[datetime | None] = mapped_column()
    regional_confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))

    @property
    def confirmed(self) -> bool:
        return self.director_confirmed_at is not None and self.regional_confirmed_at is not None


class CalendarException(Base):
    """A company-specific holiday (working = false) or extra working day (working = true)."""

    __tablename__ = "calendar_exception"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    working: Mapped[bool] = mapped_column(sa.Boolean)
    name: Mapped[str] = mapped_column(sa.String(120))


class TargetProjection(Base):
    """A projection to period end recorded on a day, to judge forecast accuracy later."""

    __tablename__ = "target_projection"
    __table_args__ = (sa.UniqueConstraint("target_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("target.id"), index=True)
    day: Mapped[date] = mapped_column(sa.Date)
    achieved: Mapped[int] = mapped_column(sa.BigInteger)
    projection: Mapped[int] = mapped_column(sa.BigInteger)


class GapReason(Base):
    """A managed reason why a target falls short (线索不足, 报价延迟, 决策链断裂, …)."""

    __tablename__ = "gap_reason"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    label_zh: Mapped[str] = mapped_column(sa.String(80))
    label_en: Mapped[str] = mapped_column(sa.String(80))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)


class GapTag(Base):
    __tablename__ = "gap_tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("target.id"), index=True)
    reason_code: Mapped[str] = mapped_column(sa.ForeignKey("gap_reason.code"))
    note: Mapped[str | None] = mapped_column(sa.Text)
    tagged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class TargetComment(Base):
    __tablename__ = "target_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("target.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class TargetMention(Base):
    __tablename__ = "target_mention"

    comment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("target_comment.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"), primary_key=True, index=True)


class Objective(Base):
    """An OKR objective: two to four key results, each bound to a metric target."""

    __tablename__ = "objective"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    owner_key: Mapped[str] = mapped_column(sa.String(32), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KeyResult(Base):
    __tablename__ = "key_result"
    __table_args__ = (sa.UniqueConstraint("objective_id", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(
        sa.ForeignKey("objective.id", ondelete="CASCADE"), index=True
    )
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("target.id"))
    title: Mapped[str] = mapped_column(sa.String(200))


class SeasonalProfile(Base):
    """A named month-of-year profile for splitting targets over time (12 relative weights)."""

    __tablename__ = "seasonal_profile"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(120))
    weights: Mapped[list[float]] = mapped_column(sa.JSON)
