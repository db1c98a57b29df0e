"""Accounts, opportunities under the stage machine, and their append-only history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.db import Base, utcnow
from domain.kernel.sql import one_of
from domain.labels import LabelledEnum, register
from domain.pipeline.stages import Stage, legal_pairs_sql


class LossReason(Base):
    """A managed reason for losing a deal (price, competitor, no budget, …)."""

    __tablename__ = "loss_reason"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    label_zh: Mapped[str] = mapped_column(sa.String(80))
    label_en: Mapped[str] = mapped_column(sa.String(80))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)


class CustomerStatus(Base):
    """Where the customer stands after a follow-up: a configurable list in packs (the
    generic one and industry packs such as new-energy vehicles)."""

    __tablename__ = "customer_status"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    label_zh: Mapped[str] = mapped_column(sa.String(80))
    label_en: Mapped[str] = mapped_column(sa.String(80))
    pack: Mapped[str] = mapped_column(sa.String(40), default="generic")
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)


class Account(Base):
    """A customer."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    segment: Mapped[str] = mapped_column(sa.String(40))
    region: Mapped[str | None] = mapped_column(sa.String(40))
    high_value: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    owner_rep_id: Mapped[int] = mapped_column(sa.ForeignKey("rep.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Opportunity(Base):
    __tablename__ = "opportunity"
    __table_args__ = (
        sa.CheckConstraint(one_of("stage", Stage), name="stage"),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
        # The machine in the database: a won deal has its signed amount and date, a lost
        # one its reason, and an open one neither.
        sa.CheckConstraint(
            "(stage = 'won') = (won_amount IS NOT NULL AND won_amount > 0 AND won_on IS NOT NULL)",
            name="won_has_amount_and_date",
        ),
        sa.CheckConstraint(
            "(stage = 'lost') = (loss_reason_code IS NOT NULL)", name="lost_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"), index=True)
    owner_rep_id: Mapped[int] = mapped_column(sa.ForeignKey("rep.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    expected_close: Mapped[date] = mapped_column(sa.Date)
    stage: Mapped[str] = mapped_column(sa.String(16), default=Stage.LEAD.value, index=True)
    stage_entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    qualification: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    source_lead: Mapped[str | None] = mapped_column(sa.String(64))
    high_margin: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    won_amount: Mapped[int | None] = mapped_column(sa.BigInteger)
    won_on: Mapped[date | None] = mapped_column(sa.Date)
    loss_reason_code: Mapped[str | None] = mapped_column(sa.ForeignKey("loss_reason.code"))
    loss_note: Mapped[str | None] = mapped_column(sa.Text)
    # Set by the owner on an open deal (domain/forecasts); a won deal reads `won`.
    forecast_category: Mapped[str] = mapped_column(
        sa.String(16), default="pipeline", server_default="pipeline"
    )
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Loaded on purpose: by the use-cases that change it, by a DataLoader for lists.
    co_owners: Mapped[list[CoOwner]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="CoOwner.rep_id"
    )

    __mapper_args__ = {"version_id_col": version}


class CoOwner(Base):
    __tablename__ = "opportunity_co_owner"

    opportunity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("opportunity.id", ondelete="CASCADE"), primary_key=True
    )
    rep_id: Mapped[int] = mapped_column(sa.ForeignKey("rep.id"), primary_key=True, index=True)


class StageTransition(Base):
    """Append-only stage history: who, when, from, to, why, and time spent before."""

    __tablename__ = "stage_transition"
    __table_args__ = (
        sa.CheckConstraint(one_of("to_stage", Stage), name="to_stage"),
        sa.CheckConstraint(legal_pairs_sql(), name="legal_move"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(sa.ForeignKey("opportunity.id"), index=True)
    from_stage: Mapped[str | None] = mapped_column(sa.String(16))
    to_stage: Mapped[str] = mapped_column(sa.String(16))
    action: Mapped[str] = mapped_column(sa.String(16))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    seconds_in_previous: Mapped[int | None] = mapped_column(sa.BigInteger)


class OwnerChange(Base):
    """Append-only reassignment history."""

    __tablename__ = "opportunity_owner_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(sa.ForeignKey("opportunity.id"), index=True)
    from_rep_id: Mapped[int] = mapped_column(sa.ForeignKey("rep.id"))
    to_rep_id: Mapped[int] = mapped_column(sa.ForeignKey("rep.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    reason: Mapped[str] = mapped_column(sa.Text)


@register
class FollowUpType(LabelledEnum):
    CALL = ("call", "电话", "Call")
    VISIT = ("visit", "拜访", "Visit")
    EMAIL = ("email", "邮件", "Email")
    INSTANT_MESSAGE = ("instant_message", "即时消息", "Instant message")
    DEMO_BOOKED = ("demo_booked", "预约演示", "Demo booked")
    DEMO_HELD = ("demo_held", "完成演示", "Demo held")
    WHITEPAPER_SENT = ("whitepaper_sent", "发送白皮书", "Whitepaper sent")
    PROPOSAL_SENT = ("proposal_sent", "发送方案", "Proposal sent")
    QUOTE_SENT = ("quote_sent", "发送报价", "Quote sent")
    CONTRACT_APPROVAL_STARTED = (
        "contract_approval_started",
        "合同审批启动",
        "Contract approval started",
    )
    OTHER = ("other", "其他", "Other")


@register
class ValuePoint(LabelledEnum):
    ROI_FIGURE = ("roi_figure", "ROI 测算", "ROI figure")
    CASE_STUDY = ("case_study", "客户案例", "Case study")
    TEST_RESULT = ("test_result", "测试结果", "Test result")
    REFERENCE_CALL = ("reference_call", "老客户背书", "Reference call")
    PILOT_PLAN = ("pilot_plan", "试点方案", "Pilot plan")
    COST_COMPARISON = ("cost_comparison", "成本对比", "Cost comparison")


class FollowUp(Base):
    """An append-only follow-up; it always ends with the customer's status. A correction
    is a new entry that points at the one it corrects."""

    __tablename__ = "follow_up"
    __table_args__ = (sa.CheckConstraint(one_of("type", FollowUpType), name="type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(sa.ForeignKey("opportunity.id"), index=True)
    rep_id: Mapped[int] = mapped_column(sa.ForeignKey("rep.id"), index=True)
    logged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    type: Mapped[str] = mapped_column(sa.String(32))
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    logged_at: Mapped[datetime] = mapped_column(default=utcnow)
    value_points: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    customer_status: Mapped[str] = mapped_column(sa.ForeignKey("customer_status.code"))
    customer_responded: Mapped[bool] = mapped_column(sa.Boolean)
    # The customer reached out (an inquiry), rather than answering the rep.
    customer_initiated: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )
    notes: Mapped[str | None] = mapped_column(sa.Text)
    next_step: Mapped[str | None] = mapped_column(sa.Text)
    next_step_due: Mapped[date | None] = mapped_column(sa.Date)
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("follow_up.id"))

    @property
    def delivered_value(self) -> bool:
        return bool(self.value_points)


class Payment(Base):
    """Money received for a won deal: feeds collections and the account's lifetime value."""

    __tablename__ = "payment"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(sa.ForeignKey("opportunity.id"), index=True)
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    received_on: Mapped[date] = mapped_column(sa.Date, index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContractChecklistItem(Base):
    """One compliance item of a deal's contract checklist, copied from the configured list
    when the deal enters negotiation or a contract approval starts; checked once, by whom
    and when kept. Every item must be checked before the deal is won."""

    __tablename__ = "contract_checklist_item"
    __table_args__ = (sa.UniqueConstraint("opportunity_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(sa.ForeignKey("opportunity.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    label_zh: Mapped[str] = mapped_column(sa.String(200))
    label_en: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_at: Mapped[datetime | None] = mapped_column()
    checked_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    note: Mapped[str | None] = mapped_column(sa.Text)


class ServiceHandover(Base):
    """The hand-over to customer service, opened when the payments complete a contract."""

    __tablename__ = "service_handover"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(sa.ForeignKey("opportunity.id"), unique=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"), index=True)
    rep_id: Mapped[int] = mapped_column(sa.ForeignKey("rep.id"), index=True)
    contract_amount: Mapped[int] = mapped_column(sa.BigInteger)
    paid_on: Mapped[date] = mapped_column(sa.Date)
    due_on: Mapped[date] = mapped_column(sa.Date)
    lifetime_value: Mapped[int] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
