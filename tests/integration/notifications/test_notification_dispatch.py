"""The outbox and the dispatcher against real receivers on 127.0.0.1: fan-out by unit and
severity, retries with backoff, signatures, robot formats, e-mail over SMTP, dead letters,
leases, and destinations that fail in every way without stopping the loop."""

from __future__ import annotations

import email
import email.policy
import socket
import urllib.parse
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from domain.db import utcnow
from domain.kernel.severity import Severity
from domain.kernel.time import as_utc
from domain.notifications import channel_requests, dispatcher, leases, senders, service
from domain.notifications.models import Delivery, NotificationSubscription
from domain.org.models import OrgUnit
from domain.settings import load_settings
from tests.support.graphql import gid, run
from tests.support.notify_receiver import Receiver, running

SECRET = "receiver-secret-0123456789"
PAYLOAD = {
    "event": "alert.raised",
    "alert": {
        "id": 1,
        "rule": "pace",
        "rule_label": {"zh": "进度落后", "en": "Behind pace"},
        "severity": "red",
        "status": "open",
        "unit": {"id": 3, "name": "Shanghai"},
        "rep": {"id": 1, "name": "Rep r1"},
        "title": {"zh": "进度落后于预期", "en": "Behind the expected pace"},
        "evidence": {"ratio": 0.61},
        "raised_on": "2026-11-20",
    },
    "task": None,
}


def settings(db_url: str, **overrides):
    values = {
        "notify_timeout_seconds": 0.5,
        "notify_backoff_seconds": 60,
        "notify_max_attempts": 4,
        "notify_allow_private": True,
        **overrides,
    }
    return load_settings(database_url=db_url, **values)


async def subscribe(sessions, world, unit="east.sh", *, active=True, **fields) -> int:
    """A subscription written directly (no destination checks: tests aim at 127.0.0.1)."""
    async with sessions() as session:
        row = NotificationSubscription(
            unit_id=world.units[unit],
            min_severity=fields.pop("min_severity", "yellow"),
            channel=fields.pop("channel", "webhook"),
            destination=fields.pop("destination"),
            secret=fields.pop("secret", SECRET),
            language=fields.pop("language", "zh"),
            active=active,
            created_by_user_id=world.users["admin"],
        )
        session.add(row)
        await session.commit()
        return row.id


async def raise_alert(sessions, world, unit="east.sh", severity=Severity.RED, payload=PAYLOAD):
    async with sessions() as session:
        org_unit = await session.get(OrgUnit, world.units[unit])
        event = await service.enqueue(
            session, kind="alert.raised", unit=org_unit, severity=severity, payload=payload
        )
        await session.commit()
        return event.id


async def deliveries(sessions) -> list[Delivery]:
    async with sessions() as session:
        return list(await session.scalars(select(Delivery).order_by(Delivery.id)))


# --- the outbox -------------------------------------------------------------------------


async def test_enqueue_fans_out_by_unit_ancestry_and_severity(sessions, world):
    hook = "https://hooks.example.com/"
    subscriptions = {
        "acme/yellow": await subscribe(sessions, world, "acme", destination=hook + "1"),
        "east/orange": await subscribe(
            sessions, world, "east", destination=hook + "2", min_severity="orange"
        ),
        "east.sh/red": await subscribe(
            sessions, world, "east.sh", destination=hook + "3", min_severity="red"
        ),
        "east.hz/yellow": await subscribe(sessions, world, "east.hz", destination=hook + "4"),
        "west/yellow": await subscribe(sessions, world, "west", destination=hook + "5"),
        "east.sh/inactive": await subscribe(
            sessions, world, "east.sh", destination=hook + "6", active=False
        ),
    }
    names = {value: key for key, value in subscriptions.items()}

    async def reached(severity):
        event_id = await raise_alert(sessions, world, "east.sh", severity)
        return sorted(
            names[d.subscription_id] for d in await deliveries(sessions) if d.event_id == event_id
        )

    assert await reached(Severity.YELLOW) == ["acme/yellow"]
    assert await reached(Severity.ORANGE) == ["acme/yellow", "east/orange"]
    assert await reached(Severity.RED) == ["acme/yellow", "east.sh/red", "east/orange"]
    assert await reached(None) == ["acme/yellow", "east.sh/red", "east/orange"]
    rows = await deliveries(sessions)
    assert len({row.idempotency_key for row in rows}) == len(rows) == 9
    assert {(row.status, row.attempts) for row in rows} == {("pending", 0)}


async def test_enqueue_is_part_of_the_callers_transaction(sessions, world):
    await subscribe(sessions, world, "acme", destination="https://hooks.example.com/")
    async with sessions() as session:
        unit = await session.get(OrgUnit, world.units["west.cd"])
        await service.enqueue(session, kind="task.created", unit=unit, severity=None, payload={})
        await session.rollback()
    assert await deliveries(sessions) == []


# --- webhooks: retries, timeouts, signatures --------------------------------------------


async def test_webhook_retries_with_backoff_until_delivered(sessions, world, db_url):
    config = settings(db_url)
    with running(Receiver(script=[500, ("sleep", 1.5)])) as receiver:
        await subscribe(sessions, world, destination=receiver.url + "/hook")
        event_id = await raise_alert(sessions, world)
        t0 = utcnow() + timedelta(seconds=1)

        first = await dispatcher.run_once(sessions, config, worker="w", now=t0)
        assert (first.claimed, first.failed) == (1, 1)
        (row,) = await deliveries(sessions)
        assert (row.status, row.attempts, row.locked_by) == ("pending", 1, None)
        assert row.last_error.startswith("HTTP 500")
        assert as_utc(row.next_attempt_at) == t0 + timedelta(seconds=60)

        seconds = timedelta(seconds=1)
        assert (await dispatcher.run_once(sessions, config, now=t0 + 59 * seconds)).claimed == 0
        second = await dispatcher.run_once(sessions, config, worker="w", now=t0 + 60 * seconds)
        assert (second.claimed, second.failed) == (1, 1)  # the receiver does not answer in time
        (row,) = await deliveries(sessions)
        assert row.attempts == 2 and row.last_error == "timed out after 0.5 s"
        due = as_utc(row.next_attempt_at)
        assert due == t0 + 60 * seconds + 120 * seconds

        assert (await dispatcher.run_once(sessions, config, now=due - seconds)).claimed == 0
        last = await dispatcher.run_once(sessions, config, worker="w", now=due)
        assert (last.claimed, last.delivered) == (1, 1)
        (row,) = await deliveries(sessions)
        assert (row.status, row.attempts, row.locked_until) == ("delivered", 3, None)
        assert as_utc(row.delivered_at) == due

    assert len(receiver.requests) == 3
    assert [r.answered for r in receiver.requests] == [500, 0, 200]
    for received in receiver.requests:
        assert received.signed_by(SECRET)
        assert received.key == row.idempotency_key == received.json["idempotency_key"]
        assert received.json["event_id"] == event_id
        assert received.json["alert"] == PAYLOAD["alert"]
        assert received.headers["x-pacer-event"] == "alert.raised"


async def test_every_delivery_arrives_once_signed_with_its_own_key(sessions, world, db_url):
    with running(Receiver()) as receiver:
        await subscribe(sessions, world, "acme", destination=receiver.url + "/a")
        await subscribe(sessions, world, "east", destination=receiver.url + "/b")
        for _ in range(7):
            await raise_alert(sessions, world, "east.hz")
        counts = await dispatcher.run_once(sessions, settings(db_url), batch=3)
    assert (counts.claimed, counts.delivered, counts.failed) == (14, 14, 0)
    rows = await deliveries(sessions)
    assert {row.status for row in rows} == {"delivered"}
    assert sorted(r.key for r in receiver.requests) == sorted(row.idempotency_key for row in rows)
    assert all(r.signed_by(SECRET) for r in receiver.requests)


# --- robots -----------------------------------------------------------------------------


async def test_dingtalk_and_wecom_receive_their_formats(sessions, world, db_url):
    with running(Receiver()) as receiver:
        await subscribe(
            sessions,
            world,
            channel="dingtalk",
            destination=receiver.url + "/robot/send?access_token=tok",
            secret="SECdingtalk",
        )
        await subscribe(
            sessions,
            world,
            channel="wecom",
            destination=receiver.url + "/cgi-bin/webhook/send?key=wk",
            secret=None,
            language="en",
        )
        await raise_alert(sessions, world)
        counts = await dispatcher.run_once(sessions, settings(db_url))
    assert counts.delivered == 2
    by_path = {r.path: r for r in receiver.requests}
    ding = by_path["/robot/send"]
    assert ding.query["access_token"] == ["tok"]
    timestamp = int(ding.query["timestamp"][0])
    assert urllib.parse.quote_plus(ding.query["sign"][0]) == channel_requests.dingtalk_sign(
        "SECdingtalk", timestamp
    )
    assert ding.json["msgtype"] == "markdown"
    assert ding.json["markdown"]["title"] == "【红色预警】预警触发：进度落后于预期"
    assert "- **组织**：Shanghai" in ding.json["markdown"]["text"]
    wecom = by_path["/cgi-bin/webhook/send"]
    assert wecom.query == {"key": ["wk"]}
    assert wecom.json["msgtype"] == "markdown"
    assert wecom.json["markdown"]["content"].startswith(
        '### <font color="warning">[Red] Alert raised: Behind the expected pace'
    )
    assert ding.key and wecom.key and ding.key != wecom.key


async def test_a_robot_refusal_in_a_200_answer_is_a_failure(sessions, world, db_url):
    refusal = ("json", 200, {"errcode": 310000, "errmsg": "sign not match"})
    with running(Receiver(script=[refusal])) as receiver:
        await subscribe(
            sessions, world, channel="dingtalk", destination=receiver.url + "/robot", secret="x"
        )
        await raise_alert(sessions, world)
        counts = await dispatcher.run_once(sessions, settings(db_url))
    assert counts.failed == 1
    (row,) = await deliveries(sessions)
    assert "310000" in row.last_error and "sign not match" in row.last_error


# --- dead letters -----------------------------------------------------------------------


async def test_dead_letter_after_max_attempts_then_retry_delivers(api, sessions, world, db_url):
    config = settings(db_url, notify_max_attempts=3, notify_backoff_seconds=1)
    with running(Receiver(default=503)) as receiver:
        await subscribe(sessions, world, destination=receiver.url + "/flaky")
        await raise_alert(sessions, world)
        now = utcnow() + timedelta(seconds=1)
        outcomes = []
        for _ in range(3):
            counts = await dispatcher.run_once(sessions, config, now=now)
            outcomes.append((counts.failed, counts.dead))
            now += timedelta(hours=1)
        assert outcomes == [(1, 0), (1, 0), (0, 1)]
        assert (await dispatcher.run_once(sessions, config, now=now)).claimed == 0

        letters = await api.data(
            "{ deadLetters { edges { node { id eventKind destination attempts lastError } } } }"
        )
        (edge,) = letters["deadLetters"]["edges"]
        assert edge["node"]["eventKind"] == "alert.raised"
        assert edge["node"]["destination"] == receiver.url + "/flaky"
        assert edge["node"]["attempts"] == 3
        assert edge["node"]["lastError"].startswith("HTTP 503")

        receiver.default = 200
        retried = await run(
            api, "retryDelivery", {"id": edge["node"]["id"]}, "delivery { status attempts }"
        )
        assert retried == {"delivery": {"status": "PENDING", "attempts": 0}, "errors": []}
        counts = await dispatcher.run_once(sessions, config, now=utcnow() + timedelta(seconds=1))
        assert counts.delivered == 1
        after = await api.data("{ deadLetters { totalCount } }")
        assert after["deadLetters"]["totalCount"] == 0
    keys = {r.key for r in receiver.requests}
    assert len(receiver.requests) == 4 and len(keys) == 1
    assert [r.answered for r in receiver.requests] == [503, 503, 503, 200]


# --- e-mail -----------------------------------------------------------------------------


class Inbox:
    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, parsed))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_email_is_sent_over_smtp(sessions, world, db_url):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        config = settings(
            db_url,
            smtp_host="127.0.0.1",
            smtp_port=controller.port,
            smtp_starttls=False,
            smtp_sender="pacer@acme.example",
            notify_timeout_seconds=5,
        )
        await subscribe(sessions, world, "east", channel="email", destination="boss@acme.example")
        await subscribe(
            sessions,
            world,
            "acme",
            channel="email",
            destination="ceo@acme.example",
            language="en",
        )
        await raise_alert(sessions, world)
        counts = await dispatcher.run_once(sessions, config)
    finally:
        controller.stop()
    assert counts.delivered == 2
    rows = {row.subscription_id: row for row in await deliveries(sessions)}
    by_recipient = {tuple(rcpt): message for rcpt, message in inbox.messages}
    zh = by_recipient[("boss@acme.example",)]
    en = by_recipient[("ceo@acme.example",)]
    assert zh["Subject"] == "【红色预警】预警触发：进度落后于预期"
    assert zh["From"] == "pacer@acme.example"
    assert "组织：Shanghai" in zh.get_content()
    assert en["Subject"] == "[Red] Alert raised: Behind the expected pace"
    assert "Rep: Rep r1" in en.get_content()
    keys = {message["X-Pacer-Idempotency-Key"] for message in (zh, en)}
    assert keys == {row.idempotency_key for row in rows.values()}
    assert zh["Message-ID"] == f"<{zh['X-Pacer-Idempotency-Key']}@pacer.notify>"


async def test_email_without_a_reachable_server_is_a_recorded_failure(sessions, world, db_url):
    await subscribe(sessions, world, channel="email", destination="boss@acme.example")
    await raise_alert(sessions, world)
    unconfigured = await dispatcher.run_once(sessions, settings(db_url))
    assert unconfigured.failed == 1
    (row,) = await deliveries(sessions)
    assert "PACER_SMTP_HOST" in row.last_error
    down = settings(db_url, smtp_host="127.0.0.1", smtp_port=free_port(), smtp_starttls=False)
    later = await dispatcher.run_once(sessions, down, now=utcnow() + timedelta(hours=1))
    assert later.failed == 1
    (row,) = await deliveries(sessions)
    assert row.attempts == 2 and "refused" in row.last_error.lower()


# --- destinations that fail -------------------------------------------------------------


async def test_bad_destinations_are_recorded_failures_never_exceptions(sessions, world, db_url):
    with running(Receiver(default=404)) as receiver:
        destinations = {
            "refused": f"http://127.0.0.1:{free_port()}/nobody-listens",
            "dns": "http://pacer-test-host.invalid/hook",
            "404": receiver.url + "/missing",
            "not-a-url": "ftp://files.example.com/",
        }
        ids = {
            await subscribe(sessions, world, destination=url): name
            for name, url in destinations.items()
        }
        await raise_alert(sessions, world)
        counts = await dispatcher.run_once(sessions, settings(db_url))
    assert (counts.claimed, counts.failed, counts.delivered) == (4, 4, 0)
    errors = {ids[row.subscription_id]: row.last_error for row in await deliveries(sessions)}
    assert "ConnectError" in errors["refused"]
    assert errors["dns"]
    assert errors["404"].startswith("HTTP 404")
    assert errors["not-a-url"].startswith("INVALID_URL")
    assert len(receiver.requests) == 1


async def test_private_addresses_are_refused_at_send_time(sessions, world, db_url):
    with running(Receiver()) as receiver:
        await subscribe(sessions, world, destination=f"http://localhost:{receiver.port}/x")
        await subscribe(sessions, world, destination=receiver.url + "/y")
        await raise_alert(sessions, world)
        counts = await dispatcher.run_once(sessions, settings(db_url, notify_allow_private=False))
    assert counts.failed == 2
    assert receiver.requests == []
    for row in await deliveries(sessions):
        assert "PRIVATE_ADDRESS" in row.last_error or "private" in row.last_error


async def test_a_lookup_that_resolves_to_a_private_address_is_refused(monkeypatch):
    class Loop:
        async def getaddrinfo(self, host, port, **kw):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]

    monkeypatch.setattr(senders.asyncio, "get_running_loop", lambda: Loop())
    refusal = await senders.check_resolves_public("hooks.example.com", 443)
    assert refusal and "10.0.0.7" in refusal


# --- leases and subscriptions -------------------------------------------------------------


async def test_an_expired_lease_is_claimed_again_with_the_same_key(sessions, world, db_url):
    config = settings(db_url)
    await subscribe(sessions, world, destination="https://hooks.example.com/")
    await raise_alert(sessions, world)
    now = utcnow() + timedelta(seconds=1)
    (first,) = await leases.claim(
        sessions, worker="a", due_at=now, now=now, batch=10, lease_seconds=30
    )
    held = await leases.claim(
        sessions,
        worker="b",
        due_at=now,
        now=now + timedelta(seconds=29),
        batch=10,
        lease_seconds=30,
    )
    assert held == []
    later = now + timedelta(seconds=31)
    (again,) = await leases.claim(
        sessions, worker="b", due_at=later, now=later, batch=10, lease_seconds=30
    )
    assert again.delivery_id == first.delivery_id
    assert again.idempotency_key == first.idempotency_key
    # The first dispatcher comes back late: its outcome is not recorded over b's lease.
    late = await leases.record_outcome(
        sessions, first, None, worker="a", now=later, settings=config
    )
    assert late == "lost"
    mine = await leases.record_outcome(
        sessions, again, None, worker="b", now=later, settings=config
    )
    assert mine == "delivered"
    (row,) = await deliveries(sessions)
    assert (row.status, row.attempts, row.locked_by) == ("delivered", 1, None)


async def test_a_deactivated_subscription_is_not_sent(api, sessions, world, db_url):
    with running(Receiver()) as receiver:
        subscription = await subscribe(sessions, world, destination=receiver.url + "/off")
        await raise_alert(sessions, world)
        result = await run(
            api,
            "deactivateNotificationSubscription",
            {"id": gid("NotificationSubscription", subscription)},
        )
        assert result["errors"] == []
        await raise_alert(sessions, world)
        counts = await dispatcher.run_once(sessions, settings(db_url))
    assert counts.claimed == 0 and receiver.requests == []
    (row,) = await deliveries(sessions)  # the second alert made no delivery at all
    assert row.status == "pending"


async def test_the_background_loop_delivers_and_stops(sessions, world, db_url):
    import asyncio

    config = settings(db_url, notify_interval_seconds=0.05)
    with running(Receiver()) as receiver:
        await subscribe(sessions, world, destination=receiver.url + "/loop")
        await raise_alert(sessions, world)
        async with dispatcher.background(sessions, config):
            for _ in range(200):
                if receiver.delivered():
                    break
                await asyncio.sleep(0.05)
        assert len(receiver.delivered()) == 1
    (row,) = await deliveries(sessions)
    assert row.status == "delivered"
    off = settings(db_url, notify_loop=False)
    async with dispatcher.background(sessions, off):
        pass  # nothing started, nothing to stop


@pytest.mark.parametrize("batch", [1, 5])
async def test_run_once_drains_in_batches(sessions, world, db_url, batch):
    with running(Receiver()) as receiver:
        await subscribe(sessions, world, destination=receiver.url + "/drain")
        for _ in range(6):
            await raise_alert(sessions, world)
        counts = await dispatcher.run_once(sessions, settings(db_url), batch=batch)
    assert counts.delivered == 6 and len(receiver.requests) == 6


async def test_the_loop_survives_a_database_that_is_away(tmp_path, caplog):
    import asyncio

    from domain import db

    url = f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'pacer.db'}"
    engine = db.create_engine(url)
    config = load_settings(database_url=url, notify_interval_seconds=0.01)
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run_forever(db.session_factory(engine), config, stop))
    try:
        for _ in range(500):
            failures = [r for r in caplog.records if "dispatch run failed" in r.getMessage()]
            if len(failures) >= 2 or task.done():
                break
            await asyncio.sleep(0.01)
        assert not task.done()  # still looping after failed runs
        assert len(failures) >= 2 and failures[0].exc_info is None  # one line, no traceback
    finally:
        stop.set()
        counts = await task
        await engine.dispose()
    assert counts.claimed == 0
