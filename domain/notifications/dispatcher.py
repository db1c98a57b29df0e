"""The dispatcher: claims due deliveries for a lease, sends them, records each outcome;
once (`pacer notify run --once`) or every `notify_interval_seconds` beside a server.

Delivery is at least once: a dispatcher killed mid-batch leaves leased rows that another
run claims once the lease has expired and sends again, with the same idempotency key.
Nothing a destination does — a 4xx/5xx, a timeout, a refused connection, a DNS failure, a
private address — raises out of the loop: it is a failure recorded on the row, retried with
exponential backoff until `notify_max_attempts`, then a dead letter."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

import httpx
from sqlalchemy.exc import SQLAlchemyError

from domain.db import utcnow
from domain.kernel.time import as_utc
from domain.notifications import rules
from domain.notifications.leases import Job, Sessions, claim, record_outcome, release
from domain.notifications.senders import new_client, send
from domain.settings import Settings

log = logging.getLogger("pacer.notify")

DEFAULT_BATCH = 50
DEFAULT_CONCURRENCY = 8

Clock = Callable[[], datetime]


def default_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


@dataclass
class Counts:
    """What runs did with the deliveries they claimed."""

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
