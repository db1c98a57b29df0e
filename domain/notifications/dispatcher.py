"""The dispatcher: claims due deliveries for a lease, sends them, records each outcome.

One claim is one atomic UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED), so any
number of dispatchers (processes, `pacer serve` workers) can run at once: PostgreSQL skips
the rows another claim holds, and on SQLite the UPDATE itself takes the write lock. Each
outcome is recorded in its own short transaction, and only if the lease is still ours.

Delivery is at least once: a dispatcher killed mid-batch leaves leased rows that another
run claims once the lease has expired and sends again, with the same idempotency key.
Nothing a destination does — a 4xx/5xx, a timeout, a refused connection, a DNS failure, a
private address — raises out of the loop: it is a failure recorded on the row, retried with
exponential backoff until `notify_max_attempts`, then a dead letter."""

from __future__ import annotations

import asyncio
import contextlib
import email.message
import email.utils
import logging
import os
import smtplib
import socket
import ssl
import urllib.parse
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from domain.db import utcnow
from domain.errors import DomainError
from domain.notifications import rules
from domain.notifications.models import (
    Delivery,
    DeliveryStatus,
    NotificationSubscription,
    OutboxEvent,
)
from domain.org.rules import as_utc
from domain.settings import Settings

log = logging.getLogger("pacer.notify")

DEFAULT_BATCH = 50
DEFAULT_CONCURRENCY = 8
PENDING = DeliveryStatus.PENDING.value

Sessions = async_sessionmaker[AsyncSession]
Clock = Callable[[], datetime]


def default_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


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


@dataclass
class Counts:
    claimed: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    released: int = 0  # not sent: too little of the lease was left
    lost: int = 0  # sent, but the lease had passed to another dispatcher before recording

    def add(self, other: Counts) -> None:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    def summary(self) -> str:
        text = (
            f"{self.claimed} claimed: {self.delivered} delivered, "
            f"{self.failed} failed (will retry), {self.dead} dead letter(s)"
        )
        if self.released or self.lost:
            text += f", {self.released} released, {self.lost} lost lease"
        return text


# --- claiming ---------------------------------------------------------------------------


def _due(now: datetime):
    return (
        Delivery.status == PENDING,
        Delivery.next_attempt_at <= now,
        or_(Delivery.locked_until.is_(None), Delivery.locked_until <= now),
    )


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
                select(Delivery, OutboxEvent, NotificationSubscription)
                .join(OutboxEvent, OutboxEvent.id == Delivery.event_id)
                .join(
                    NotificationSubscription,
                    NotificationSubscription.id == Delivery.subscription_id,
                )
                .where(Delivery.id.in_(ids))
                .order_by(Delivery.id)
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


# --- recording --------------------------------------------------------------------------


async def _record(sessions: Sessions, job: Job, worker: str, values: dict[str, Any]) -> bool:
    """Apply `values` to the delivery if this worker's lease on it still stands."""
    async with sessions() as session:
        result = await session.execute(
            update(Delivery)
            .where(
                Delivery.id == job.delivery_id,
                Delivery.status == PENDING,
                Delivery.locked_by == worker,
                Delivery.locked_until == job.lease_until,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
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
    unlock = {"locked_until": None, "locked_by": None}
    if error is None:
        values = {
            **unlock,
            "status": DeliveryStatus.DELIVERED.value,
            "attempts": job.attempts + 1,
            "delivered_at": now,
        }
        outcome = "delivered"
    else:
        attempts, next_at = rules.after_failure(
            job.attempts, settings.notify_max_attempts, settings.notify_backoff_seconds, now
        )
        values = {**unlock, "attempts": attempts, "last_error": rules.short_error(error)}
        if next_at is None:
            values["status"] = DeliveryStatus.DEAD.value
            outcome = "dead"
        else:
            values["next_attempt_at"] = next_at
            outcome = "failed"
    if not await _record(sessions, job, worker, values):
        return "lost"
    return outcome


async def release(sessions: Sessions, job: Job, worker: str) -> None:
    """Give a claimed row back unsent, to be claimed again at once."""
    await _record(sessions, job, worker, {"locked_until": None, "locked_by": None})


# --- sending ----------------------------------------------------------------------------


async def check_resolves_public(host: str, port: int) -> str | None:
    """Why `host` may not be sent to (it is, or resolves to, a private address), or None."""
    if rules.host_is_refused(host):
        return f"refused: {host} is a loopback, private or reserved address"
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        return f"DNS lookup of {host} failed: {exc}"
    addresses = sorted({info[4][0] for info in infos})
    refused = rules.refused_addresses(addresses)
    if refused:
        return f"refused: {host} resolves to the private or reserved address {refused[0]}"
    return None


async def send_http(
    request: rules.HttpRequest, channel: str, client: httpx.AsyncClient, settings: Settings
) -> str | None:
    parts = urllib.parse.urlsplit(request.url)
    if not settings.notify_allow_private:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        refusal = await check_resolves_public(parts.hostname or "", port)
        if refusal:
            return refusal
    response = await client.post(request.url, content=request.body, headers=request.headers)
    if not 200 <= response.status_code < 300:
        return f"HTTP {response.status_code}: {response.text[:200]}"
    return rules.robot_error(channel, response.content)


def _send_email_sync(message: rules.EmailMessage, settings: Settings) -> None:
    mail = email.message.EmailMessage()
    mail["From"] = settings.smtp_sender
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail["Date"] = email.utils.formatdate(usegmt=True)
    for name, value in message.headers.items():
        mail[name] = value
    mail.set_content(message.body)
    timeout = settings.notify_timeout_seconds
    if settings.smtp_port == 465:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.smtp_host, 465, timeout=timeout)
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    with smtp:
        if settings.smtp_starttls and settings.smtp_port != 465:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(mail)


async def send_email(message: rules.EmailMessage, settings: Settings) -> str | None:
    if not settings.smtp_host:
        return "e-mail is not configured: set PACER_SMTP_HOST"
    await asyncio.to_thread(_send_email_sync, message, settings)
    return None


async def send(
    job: Job, client: httpx.AsyncClient, settings: Settings, now: datetime
) -> str | None:
    """Send one delivery; None when the destination accepted it, else why not. Never raises
    (but for cancellation)."""
    timeout = settings.notify_timeout_seconds
    try:
        rules.check_destination(job.channel, job.destination, settings.notify_allow_private)
        request = rules.build_request(
            channel=job.channel,
            destination=job.destination,
            secret=job.secret,
            language=job.language,
            kind=job.kind,
            payload=job.payload,
            event_id=job.event_id,
            idempotency_key=job.idempotency_key,
            now=now,
        )
        async with asyncio.timeout(timeout):
            if isinstance(request, rules.EmailMessage):
                return await send_email(request, settings)
            return await send_http(request, job.channel, client, settings)
    except DomainError as exc:
        return f"{exc.code}: {exc.message_en}"
    except TimeoutError:
        return f"timed out after {timeout:g} s"
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {str(exc) or 'no answer'}"
    except (OSError, smtplib.SMTPException) as exc:
        return f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # a destination must never stop the dispatcher
        log.exception("delivery %s: unexpected error while sending", job.delivery_id)
        return f"unexpected {type(exc).__name__}: {exc}"


# --- the loop ---------------------------------------------------------------------------


def new_client(settings: Settings, concurrency: int = DEFAULT_CONCURRENCY) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=settings.notify_timeout_seconds,
        follow_redirects=False,
        limits=httpx.Limits(max_connections=concurrency),
    )


async def _process(
    job: Job,
    *,
    sessions: Sessions,
    settings: Settings,
    client: httpx.AsyncClient,
    worker: str,
    clock: Clock,
    slots: asyncio.Semaphore,
    recording: asyncio.Lock,
) -> str:
    async with slots:
        # Never start a send that could outlive the lease: another dispatcher may then claim
        # the row and the same key would be in flight twice.
        if clock() + timedelta(seconds=settings.notify_timeout_seconds) > job.lease_until:
            await release(sessions, job, worker)
            return "released"
        error = await send(job, client, settings, clock())
    if error is not None:
        log.info("delivery %s failed: %s", job.delivery_id, rules.short_error(error, 200))
    async with recording:  # one short transaction at a time: no pool churn, no lock waits
        return await record_outcome(
            sessions, job, error, worker=worker, now=as_utc(clock()), settings=settings
        )


async def run_once(
    sessions: Sessions,
    settings: Settings,
    *,
    worker: str | None = None,
    batch: int = DEFAULT_BATCH,
    concurrency: int = DEFAULT_CONCURRENCY,
    now: datetime | None = None,
    client: httpx.AsyncClient | None = None,
    stop_event: asyncio.Event | None = None,
) -> Counts:
    """Send everything due now, batch by batch, and return what happened. `now` fixes the
    clock (tests); rows that fail are retried later, not in this run."""
    worker = worker or default_worker()
    clock: Clock = (lambda: as_utc(now)) if now is not None else utcnow
    due_at = clock()
    lease = rules.lease_seconds(settings.notify_timeout_seconds, batch, concurrency)
    slots, recording = asyncio.Semaphore(concurrency), asyncio.Lock()
    counts = Counts()
    async with contextlib.AsyncExitStack() as stack:
        if client is None:
            client = await stack.enter_async_context(new_client(settings, concurrency))
        while stop_event is None or not stop_event.is_set():
            jobs = await claim(
                sessions,
                worker=worker,
                due_at=due_at,
                now=clock(),
                batch=batch,
                lease_seconds=lease,
            )
            if not jobs:
                break
            counts.claimed += len(jobs)
            outcomes = await asyncio.gather(
                *(
                    _process(
                        job,
                        sessions=sessions,
                        settings=settings,
                        client=client,
                        worker=worker,
                        clock=clock,
                        slots=slots,
                        recording=recording,
                    )
                    for job in jobs
                ),
                return_exceptions=True,
            )
            for outcome in outcomes:
                if isinstance(outcome, BaseException):
                    raise outcome  # the database failed us; the leases expire by themselves
                setattr(counts, outcome, getattr(counts, outcome) + 1)
    return counts


async def run_forever(
    sessions: Sessions,
    settings: Settings,
    stop_event: asyncio.Event,
    *,
    worker: str | None = None,
    batch: int = DEFAULT_BATCH,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> Counts:
    """Dispatch every `notify_interval_seconds` until `stop_event` is set; a failing run
    (the database away) is logged and tried again at the next tick."""
    worker = worker or default_worker()
    total = Counts()
    async with new_client(settings, concurrency) as client:
        while not stop_event.is_set():
            try:
                counts = await run_once(
                    sessions,
                    settings,
                    worker=worker,
                    batch=batch,
                    concurrency=concurrency,
                    client=client,
                    stop_event=stop_event,
                )
                total.add(counts)
                if counts.claimed:
                    log.info("notifications: %s", counts.summary())
            except (SQLAlchemyError, OSError) as exc:  # the database is away: one line, retry
                first_line = (str(exc).splitlines() or [""])[0]
                log.error("notifications: dispatch run failed (%s); trying again", first_line)
            except Exception:
                log.exception("notifications: dispatch run failed; trying again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop_event.wait(), settings.notify_interval_seconds)
    return total


@contextlib.asynccontextmanager
async def background(sessions: Sessions, settings: Settings) -> AsyncIterator[None]:
    """Run the dispatcher loop beside a server while the block runs (if `notify_loop`)."""
    if not settings.notify_loop:
        yield
        return
    stop = asyncio.Event()
    task = asyncio.create_task(run_forever(sessions, settings, stop), name="pacer-notify")
    try:
        yield
    finally:
        stop.set()
        try:
            await asyncio.wait_for(task, settings.notify_timeout_seconds + 5)
        except TimeoutError:
            log.warning("notifications: dispatcher did not stop in time; its leases will expire")
        except Exception:
            log.exception("notifications: dispatcher stopped with an error")
