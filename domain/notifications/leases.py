"""Leases on deliveries: a dispatcher claims the due rows for a while, and records each
outcome only if its lease on the row still stands.

One claim is one atomic UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED), so any
number of dispatchers (processes, `pacer serve` workers) can run at once: PostgreSQL skips
the rows another claim holds, and on SQLite the UPDATE itself takes the write lock. Each
outcome is recorded in its own short transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from domain.kernel.time import as_utc
from domain.notifications import rules
from domain.notifications.models import (
    Delivery,
    DeliveryStatus,
    NotificationSubscription,
    deliveries_with_context,
)
from domain.settings import Settings

PENDING = DeliveryStatus.PENDING.value
UNLOCKED: dict[str, Any] = {"locked_until": None, "locked_by": None}

Sessions = async_sessionmaker[AsyncSession]


@dataclass(frozen=True)
class Job:
    """One claimed delivery with everything needed to send it, detached from the session."""

    delivery_id: int
    idempotency_key: str
    attempts: int
    event_id: int
    kind: str
    payload: dict[str, Any]
    channel: str
    destination: str
    secret: str | None
    language: str
    lease_until: datetime


async def claim(
    sessions: Sessions,
    *,
    worker: str,
    due_at: datetime,
    now: datetime,
    batch: int,
    lease_seconds: float,
) -> list[Job]:
    """Lease up to `batch` deliveries due at `due_at` (oldest first) to `worker` and commit;
    the rows of other live leases and of inactive subscriptions are left alone."""
    due_at, now = as_utc(due_at), as_utc(now)
    lease_until = now + timedelta(seconds=lease_seconds)
    candidate = aliased(Delivery)
    async with sessions() as session:
        due = (
            select(candidate.id)
            .join(
                NotificationSubscription,
                NotificationSubscription.id == candidate.subscription_id,
            )
            .where(
                candidate.status == PENDING,
                candidate.next_attempt_at <= due_at,
                or_(candidate.locked_until.is_(None), candidate.locked_until <= now),
                NotificationSubscription.active.is_(True),
            )
            .order_by(candidate.id)
            .limit(batch)
        )
        # A plain read first: an idle dispatcher must not take SQLite's write lock.
        if await session.scalar(due.limit(1)) is None:
            return []
        locked = due.with_for_update(skip_locked=True, of=candidate)
        claimed = await session.scalars(
            update(Delivery)
            .where(Delivery.id.in_(locked.scalar_subquery()))
            .values(locked_until=lease_until, locked_by=worker)
            .returning(Delivery.id)
            .execution_options(synchronize_session=False)
        )
        ids = sorted(claimed)
        jobs = []
        if ids:
            rows = await session.execute(
                deliveries_with_context().where(Delivery.id.in_(ids)).order_by(Delivery.id)
            )
            jobs = [
                Job(
                    delivery_id=delivery.id,
                    idempotency_key=delivery.idempotency_key,
                    attempts=delivery.attempts,
                    event_id=event.id,
                    kind=event.kind,
                    payload=event.payload or {},
                    channel=subscription.channel,
                    destination=subscription.destination,
                    secret=subscription.secret,
                    language=subscription.language or "zh",
                    lease_until=lease_until,
                )
                for delivery, event, subscription in rows
            ]
        await session.commit()
    return jobs


async def _update_if_still_leased(
    sessions: Sessions, job: Job, worker: str, values: dict[str, Any]
) -> bool:
    """Apply `values` to the delivery if this worker's lease on it still stands."""
    async with sessions() as session:
        result = cast(
            "CursorResult[Any]",
            await session.execute(
                update(Delivery)
                .where(
                    Delivery.id == job.delivery_id,
                    Delivery.status == PENDING,
                    Delivery.locked_by == worker,
                    Delivery.locked_until == job.lease_until,
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            ),
        )
        await session.commit()
    return result.rowcount == 1


async def record_outcome(
    sessions: Sessions,
    job: Job,
    error: str | None,
    *,
    worker: str,
    now: datetime,
    settings: Settings,
) -> str:
    """`delivered`, `failed`, `dead`, or `lost` when the lease was no longer ours."""
    if error is None:
        values = {
            **UNLOCKED,
            "status": DeliveryStatus.DELIVERED.value,
            "attempts": job.attempts + 1,
            "delivered_at": now,
        }
        outcome = "delivered"
    else:
        attempts, next_at = rules.after_failure(
            job.attempts, settings.notify_max_attempts, settings.notify_backoff_seconds, now
        )
        values = {**UNLOCKED, "attempts": attempts, "last_error": rules.short_error(error)}
        if next_at is None:
            values["status"] = DeliveryStatus.DEAD.value
            outcome = "dead"
        else:
            values["next_attempt_at"] = next_at
            outcome = "failed"
    if not await _update_if_still_leased(sessions, job, worker, values):
        return "lost"
    return outcome


async def release(sessions: Sessions, job: Job, worker: str) -> None:
    """Give a claimed row back unsent, to be claimed again at once."""
    await _update_if_still_leased(sessions, job, worker, UNLOCKED)
