"""Where notifications go (subscriptions), what is to be sent (the outbox, written in the
same transaction as the alert or task), and each delivery's attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, utcnow
from domain.kernel.severity import Severity
from domain.kernel.sql import one_of
from domain.labels import LabelledEnum, register


@register
class Channel(LabelledEnum):
    WEBHOOK = ("webhook", "通用 Webhook", "JSON webhook")
    DINGTALK = ("dingtalk", "钉钉群机器人", "DingTalk group robot")
    WECOM = ("wecom", "企业微信群机器人", "WeCom group robot")
    EMAIL = ("email", "电子邮件", "E-mail")


@register
class DeliveryStatus(LabelledEnum):
    PENDING = ("pending", "待发送", "Pending")
    DELIVERED = ("delivered", "已送达", "Delivered")
    DEAD = ("dead", "投递失败", "Dead letter")


class NotificationSubscription(Base):
    """Send alerts (and their tasks) of a unit's subtree at or above a severity to one
    channel: a webhook URL, a group robot URL or an e-mail address."""

    __tablename__ = "notification_subscription"
    __table_args__ = (
        CheckConstraint(one_of("channel", Channel), name="channel"),
        CheckConstraint(one_of("min_severity", Severity), name="min_severity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    min_severity: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))
    destination: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2), default="zh")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxEvent(Base):
    """Something that happened and must leave the process: `alert.raised`,
    `alert.escalated`, `alert.resolved`, `task.created`."""

    __tablename__ = "outbox_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    severity: Mapped[str | None] = mapped_column(String(8))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(Base):
    """One outbox event to one subscription. A dispatcher claims due rows for a lease,
    sends them, and records the outcome; a claim that outlives its lease (a dispatcher
    killed mid-batch) is claimed again and sent with the same idempotency key."""

    __tablename__ = "delivery"
    __table_args__ = (
        CheckConstraint(one_of("status", DeliveryStatus), name="status"),
        UniqueConstraint("event_id", "subscription_id"),
        Index("ix_delivery_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outbox_event.id"), index=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("notification_subscription.id"), index=True
    )
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column()
    locked_by: Mapped[str | None] = mapped_column(String(80))
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def deliveries_with_context() -> Select[Delivery, OutboxEvent, NotificationSubscription]:
    """Each delivery beside the event it carries and the subscription it goes to."""
    return (
        select(Delivery, OutboxEvent, NotificationSubscription)
        .join(OutboxEvent, OutboxEvent.id == Delivery.event_id)
        .join(NotificationSubscription, NotificationSubscription.id == Delivery.subscription_id)
    )
