"""`pacer notify run` as real processes against a real receiver: a dispatcher killed
mid-batch and started again loses nothing, and (PostgreSQL) two dispatchers at once never
have the same idempotency key in flight twice."""

from __future__ import annotations

import asyncio
import os
import signal
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import func, select

from domain.kernel.severity import Severity
from domain.notifications import service
from domain.notifications.models import Delivery, NotificationSubscription
from domain.org.models import OrgUnit
from tests.support.notify_receiver import Receiver, running
from tests.support.pacer_cli import PACER, pacer
from tests.support.world import build_world

SECRET = "e2e-receiver-secret-0123456789"
DEADLINE = 90  # seconds any wait may take before the test gives up


def dispatcher_env(db_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PACER_DATABASE_URL": db_url,
        "PACER_NOTIFY_ALLOW_PRIVATE": "true",
        "PACER_NOTIFY_TIMEOUT_SECONDS": "1",
        "PACER_NOTIFY_INTERVAL_SECONDS": "0.2",
        "PACER_NOTIFY_BACKOFF_SECONDS": "0.5",
        **extra,
    }


async def outbox(sessions, url: str, events: int, paths: tuple[str, ...] = ("/a",)) -> None:
    """The test company, one signed webhook subscription per path at the root, and `events`
    alerts: events × paths deliveries."""
    world = await build_world(sessions)
    async with sessions() as session:
        for path in paths:
            session.add(
                NotificationSubscription(
                    unit_id=world.units["acme"],
                    min_severity="yellow",
                    channel="webhook",
                    destination=url + path,
                    secret=SECRET,
                    created_by_user_id=world.users["admin"],
                )
            )
        await session.flush()
        unit = await session.get(OrgUnit, world.units["east.sh"])
        for number in range(events):
            payload = {"event": "alert.raised", "alert": {"id": number, "severity": "red"}}
            await service.enqueue(
                session, kind="alert.raised", unit=unit, severity=Severity.RED, payload=payload
            )
        await session.commit()


async def status_counts(sessions) -> dict[str, int]:
    async with sessions() as session:
        rows = await session.execute(
            select(Delivery.status, func.count()).group_by(Delivery.status)
        )
        return dict(rows.all())


async def keys(sessions) -> set[str]:
    async with sessions() as session:
        return set(await session.scalars(select(Delivery.idempotency_key)))


async def start(*args: str, env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        PACER,
        "notify",
        "run",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def wait_for(condition, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE
    while not await condition():
        if loop.time() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        await asyncio.sleep(0.05)


async def stop(process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGTERM)
    output, _ = await asyncio.wait_for(process.communicate(), DEADLINE)
    assert process.returncode == 0, output.decode()
    return output.decode()


async def test_a_killed_dispatcher_loses_nothing(sessions, db_url, tmp_path):
    with running(Receiver(delay=0.3)) as receiver:
        await outbox(sessions, receiver.url, events=20)
        env = dispatcher_env(db_url)
        first = await start("--batch", "5", "--worker", "first", env=env, cwd=tmp_path)

        async def some_delivered_and_one_in_flight():
            answered = [r for r in receiver.requests if r.ended]
            in_flight = [r for r in receiver.requests if not r.ended]
            return len(answered) >= 5 and bool(in_flight)

        await wait_for(some_delivered_and_one_in_flight, "deliveries from the first dispatcher")
        first.kill()  # SIGKILL: no chance to record what it was sending
        await first.wait()
        assert first.returncode == -signal.SIGKILL
        async with sessions() as session:
            leased = await session.scalar(
                select(func.count())
                .select_from(Delivery)
                .where(Delivery.status == "pending", Delivery.locked_by == "first")
            )
        assert leased > 0  # killed mid-batch: rows stayed leased to the dead process

        second = await start("--batch", "5", "--worker", "second", env=env, cwd=tmp_path)

        async def all_delivered():
            return await status_counts(sessions) == {"delivered": 20}

        await wait_for(all_delivered, "every delivery to be delivered")
        output = await stop(second)
        assert "Stopped." in output and "Traceback" not in output

    expected = await keys(sessions)
    received = [r.key for r in receiver.requests]
    assert set(received) == expected  # nothing lost, nothing foreign
    assert {r.key for r in receiver.delivered()} == expected
    assert len(received) >= len(expected)
    complete = [r for r in receiver.requests if r.complete]
    assert len(receiver.requests) - len(complete) <= 5  # cut short by the kill, if any
    unsigned = [(r.key, len(r.body), r.headers) for r in complete if not r.signed_by(SECRET)]
    assert unsigned == []
    for request in complete:
        assert request.json["idempotency_key"] == request.key


async def test_once_drains_what_is_due_and_prints_a_summary(sessions, db_url, tmp_path):
    with running(Receiver(script=[500])) as receiver:
        await outbox(sessions, receiver.url, events=3)
        process = await start("--once", env=dispatcher_env(db_url), cwd=tmp_path)
        output, _ = await asyncio.wait_for(process.communicate(), DEADLINE)
    assert process.returncode == 0, output
    lines = output.decode().strip().splitlines()
    assert lines[-1] == "3 claimed: 2 delivered, 1 failed (will retry), 0 dead letter(s)"
    assert await status_counts(sessions) == {"delivered": 2, "pending": 1}


async def test_two_dispatchers_never_send_a_key_twice_at_once(sessions, db_url, tmp_path):
    if not db_url.startswith("postgresql"):
        pytest.skip("two dispatchers at once: PostgreSQL only (SKIP LOCKED)")
    with running(Receiver(delay=0.02)) as receiver:
        await outbox(sessions, receiver.url, events=500, paths=("/a", "/b"))
        env = dispatcher_env(db_url)
        workers = [
            await start("--batch", "25", "--worker", name, env=env, cwd=tmp_path)
            for name in ("one", "two")
        ]

        async def all_delivered():
            return await status_counts(sessions) == {"delivered": 1000}

        await wait_for(all_delivered, "1,000 deliveries")
        outputs = [await stop(worker) for worker in workers]

    claimed = [int(output.split("Stopped. ")[1].split()[0]) for output in outputs]
    assert all(count > 0 for count in claimed), outputs  # both really worked
    expected = await keys(sessions)
    assert len(expected) == 1000
    assert {r.key for r in receiver.delivered()} == expected
    by_key = defaultdict(list)
    for request in receiver.requests:
        by_key[request.key].append((request.started, request.ended))
    for key, spans in by_key.items():
        spans.sort()
        for (_, ended), (started, _) in zip(spans, spans[1:], strict=False):
            assert started >= ended, f"{key} was in flight twice at once"


def test_notify_errors_are_one_line(tmp_path):
    unreachable = {"PACER_DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none"}
    result = pacer("notify", "run", "--once", cwd=tmp_path, env=unreachable)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "pacer: error: cannot reach the database at postgresql+asyncpg://nobody@127.0.0.1:1/none"
    ]
    bad = pacer("notify", "run", "--batch", "0", cwd=tmp_path)
    assert bad.returncode == 2 and "--batch" in bad.stderr and "Traceback" not in bad.stderr
    helped = pacer("notify", "--help", cwd=tmp_path)
    assert helped.returncode == 0 and "example" in helped.stdout and "--once" in helped.stdout
