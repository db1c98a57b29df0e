"""Notification use-cases: the outbox that alerts and tasks write into, the subscriptions
managers keep for their units, and the dead letters admins look after."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.errors import Conflict, not_found
from domain.kernel.actor import Actor, Role, per_actor
from domain.kernel.severity import Severity
from domain.kernel.sql import by_ids, rows_by_ids
from domain.kernel.time import as_utc
from domain.notifications import rules
from domain.notifications.errors import NotificationError
from domain.notifications.messages import NotificationLanguage
from domain.notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    NotificationSubscription,
    OutboxEvent,
    deliveries_with_context,
)
from domain.org.models import OrgUnit
from domain.org.rules import ancestor_ids
from domain.org.service import get_unit, units_in_subtree
from domain.paging import Page, fetch_page

# --- the outbox -------------------------------------------------------------------------


def severities_at_or_below(severity: Severity | None) -> list[str]:
    """Minimum severities a subscription may have and still want an event of `severity`;
    an event without a severity (a plain task) reaches every subscription."""
    if severity is None:
        return [member.value for member in Severity]
    return [member.value for member in Severity if member.rank <= severity.rank]


async def enqueue(
    session: AsyncSession,
    *,
    kind: str,
    unit: OrgUnit,
    severity: Severity | None,
    payload: dict[str, Any],
) -> OutboxEvent:
    """Write an outbox event and one delivery per active subscription of the unit or an
    ancestor whose minimum severity it reaches — in the caller's transaction, so the event
    leaves the process only if what caused it is committed."""
    event = OutboxEvent(
        kind=kind,
        unit_id=unit.id,
        severity=severity.value if severity else None,
        payload=payload,
    )
    session.add(event)
    subscription_ids = list(
        await session.scalars(
            select(NotificationSubscription.id)
            .where(
                NotificationSubscription.active.is_(True),
                NotificationSubscription.unit_id.in_(ancestor_ids(unit.path)),
                NotificationSubscription.min_severity.in_(severities_at_or_below(severity)),
            )
            .order_by(NotificationSubscription.id)
        )
    )
    await session.flush()
    now = utcnow()
    session.add_all(
        Delivery(
            event_id=event.id,
            subscription_id=subscription_id,
            idempotency_key=uuid.uuid4().hex,
            status=DeliveryStatus.PENDING.value,
            attempts=0,
            next_attempt_at=now,
        )
        for subscription_id in subscription_ids
    )
    return event


# --- subscriptions ----------------------------------------------------------------------


@per_actor
def subscription_visible(actor: Actor) -> ColumnElement[bool]:
    """Subscriptions of units in the actor's managed subtree (reps manage none)."""
    if actor.sees_whole_company:
        return true()
    if actor.subtree_path is None:
        return false()
    return NotificationSubscription.unit_id.in_(units_in_subtree(actor.subtree_path))


@dataclass(frozen=True)
class NewSubscription:
    unit_id: int
    channel: Channel
    destination: str
    min_severity: Severity = Severity.YELLOW
    secret: str | None = None
    language: NotificationLanguage = NotificationLanguage.ZH


async def create_subscription(
    session: AsyncSession, actor: Actor, data: NewSubscription, *, allow_private: bool = False
) -> NotificationSubscription:
    """Subscribe a unit (and its subtree) to alerts at or above a severity on one channel."""
    await get_unit(session, actor, data.unit_id, "unit_id")
    channel = Channel(data.channel)
    destination = rules.check_destination(channel, data.destination, allow_private)
    secret = rules.check_secret(channel, data.secret)
    subscription = NotificationSubscription(
        unit_id=data.unit_id,
        min_severity=Severity(data.min_severity).value,
        channel=channel.value,
        destination=destination,
        secret=secret,
        language=NotificationLanguage(data.language).value,
        active=True,
        created_by_user_id=actor.user_id,
    )
    session.add(subscription)
    await session.flush()
    return subscription


async def get_subscription(
    session: AsyncSession, actor: Actor, subscription_id: int, field: str = "id"
) -> NotificationSubscription:
    subscription = await session.scalar(
        select(NotificationSubscription).where(
            NotificationSubscription.id == subscription_id, subscription_visible(actor)
        )
    )
    if subscription is None:
        raise not_found(
            NotificationError.SUBSCRIPTION_NOT_FOUND, field, "通知订阅", "notification subscription"
        )
    return subscription


async def deactivate_subscription(
    session: AsyncSession, actor: Actor, subscription_id: int
) -> NotificationSubscription:
    """Stop a subscription: no new deliveries, and its pending ones are no longer sent."""
    subscription = await get_subscription(session, actor, subscription_id)
    if not subscription.active:
        raise Conflict(
            NotificationError.ALREADY_INACTIVE,
            "该订阅已停用",
            "This subscription is already inactive",
            "id",
        )
    subscription.active = False
    await session.flush()
    return subscription


async def list_subscriptions(
    session: AsyncSession,
    actor: Actor,
    *,
    active: bool | None = None,
    after_id: int | None = None,
    first: int = 100,
) -> Page[NotificationSubscription]:
    stmt = select(NotificationSubscription).where(subscription_visible(actor))
    if active is not None:
        stmt = stmt.where(NotificationSubscription.active.is_(active))
    return await fetch_page(session, stmt, NotificationSubscription.id, after_id, first)


_SUBSCRIPTIONS_BY_IDS = by_ids(NotificationSubscription, subscription_visible)


async def subscriptions_by_ids(
    session: AsyncSession, actor: Actor, ids: Iterable[int]
) -> dict[int, NotificationSubscription]:
    return await rows_by_ids(session, _SUBSCRIPTIONS_BY_IDS(actor), ids)


# --- deliveries and dead letters --------------------------------------------------------


@dataclass(frozen=True)
class DeliveryView:
    """A delivery with what an admin needs to judge it: the event and where it went."""

    id: int
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    delivered_at: datetime | None
    created_at: datetime
    idempotency_key: str
    event_id: int
    event_kind: str
    severity: str | None
    subscription_id: int
    unit_id: int
    channel: str
    destination: str
    subscription_active: bool


def _view(delivery: Delivery, event: OutboxEvent, subscription: NotificationSubscription):
    return DeliveryView(
        id=delivery.id,
        status=delivery.status,
        attempts=delivery.attempts,
        last_error=delivery.last_error,
        next_attempt_at=as_utc(delivery.next_attempt_at),
        delivered_at=as_utc(delivery.delivered_at),
        created_at=as_utc(delivery.created_at),
        idempotency_key=delivery.idempotency_key,
        event_id=event.id,
        event_kind=event.kind,
        severity=event.severity,
        subscription_id=subscription.id,
        unit_id=subscription.unit_id,
        channel=subscription.channel,
        destination=rules.masked_destination(subscription.channel, subscription.destination),
        subscription_active=subscription.active,
    )


async def deliveries_by_ids(
    session: AsyncSession, actor: Actor, ids: Iterable[int]
) -> dict[int, DeliveryView]:
    """Deliveries by id, with their event and subscription: admins only."""
    if not actor.has(Role.ADMIN):
        return {}
    rows = await session.execute(deliveries_with_context().where(Delivery.id.in_(set(ids))))
    return {delivery.id: _view(delivery, event, sub) for delivery, event, sub in rows}


async def dead_letters(
    session: AsyncSession, actor: Actor, *, after_id: int | None = None, first: int = 100
) -> Page[DeliveryView]:
    """Deliveries that failed every attempt, oldest first (admins; others see none)."""
    if not actor.has(Role.ADMIN):
        return Page(items=[], has_next=False, has_previous=after_id is not None, total=0)
    stmt = select(Delivery).where(Delivery.status == DeliveryStatus.DEAD.value)
    page = await fetch_page(session, stmt, Delivery.id, after_id, first)
    views = await deliveries_by_ids(session, actor, [row.id for row in page.items])
    return Page(
        items=[views[row.id] for row in page.items if row.id in views],
        has_next=page.has_next,
        has_previous=page.has_previous,
        total=page.total,
    )


async def retry_delivery(
    session: AsyncSession, actor: Actor, delivery_id: int, *, now: datetime | None = None
) -> DeliveryView:
    """Give a dead letter a fresh set of attempts, due now, with the same idempotency key."""
    delivery = await session.get(Delivery, delivery_id) if actor.has(Role.ADMIN) else None
    if delivery is None:
        raise not_found(NotificationError.DELIVERY_NOT_FOUND, "id", "投递记录", "delivery")
    if delivery.status != DeliveryStatus.DEAD.value:
        raise Conflict(
            NotificationError.NOT_DEAD,
            "只能重试投递失败（死信）的记录",
            "Only a dead letter can be retried",
            "id",
        )
    subscription = await session.get(NotificationSubscription, delivery.subscription_id)
    if subscription is None or not subscription.active:
        raise Conflict(
            NotificationError.SUBSCRIPTION_INACTIVE,
            "该投递所属的订阅已停用",
            "The delivery's subscription is inactive",
            "id",
        )
    delivery.status = DeliveryStatus.PENDING.value
    delivery.attempts = 0
    delivery.next_attempt_at = now or utcnow()
    delivery.locked_until = None
    delivery.locked_by = None
    await session.flush()
    return (await deliveries_by_ids(session, actor, [delivery.id]))[delivery.id]
