"""Notification use-cases: the outbox that alerts and tasks write into."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts.models import Severity
from domain.notifications.models import Delivery, NotificationSubscription, OutboxEvent
from domain.org.models import OrgUnit


async def enqueue(
    session: AsyncSession,
    *,
    kind: str,
    unit: OrgUnit,
    severity: Severity | None,
    payload: dict[str, Any],
) -> OutboxEvent:
    """Write an outbox event and one delivery per active subscription of the unit or an
    ancestor whose minimum severity it reaches — in the caller's transaction."""
    event = OutboxEvent(
        kind=kind,
        unit_id=unit.id,
        severity=severity.value if severity else None,
        payload=payload,
    )
    session.add(event)
    ancestors = [int(part) for part in unit.path.strip("/").split("/")]
    subscriptions = await session.scalars(
        select(NotificationSubscription).where(
            NotificationSubscription.active.is_(True),
            NotificationSubscription.unit_id.in_(ancestors),
        )
    )
    await session.flush()
    for subscription in subscriptions:
        if severity is None or severity.rank >= Severity(subscription.min_severity).rank:
            session.add(
                Delivery(
                    event_id=event.id,
                    subscription_id=subscription.id,
                    idempotency_key=uuid.uuid4().hex,
                )
            )
    return event
