"""Telling live subscribers that an alert was raised or escalated, once it is committed.

On PostgreSQL the announcement is a `NOTIFY` in the same transaction, so every worker that
`LISTEN`s (see api/live.py) hears it exactly when, and only if, the alert is committed. On
SQLite — one process — the session publishes to this process's broker after its commit."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.actor import Actor

CHANNEL = "pacer_alerts"
_PENDING = "pacer_alerts_to_announce"


class Broker:
    """In-process fan-out of announcements to every subscriber's queue."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[dict[str, Any]]] = set()

    def publish(self, message: dict[str, Any]) -> None:
        for queue in list(self._queues):
            queue.put_nowait(message)

    @contextlib.contextmanager
    def subscribe(self) -> Iterator[asyncio.Queue[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)

    @property
    def subscribers(self) -> int:
        return len(self._queues)


BROKER = Broker()


async def announce(session: AsyncSession, message: dict[str, Any]) -> None:
    """Announce `message` when the session's transaction commits (never on rollback)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_notify(CHANNEL, json.dumps(message))))
        return
    sync = session.sync_session
    if _PENDING not in sync.info:
        sync.info[_PENDING] = []
        event.listen(sync, "after_commit", _publish_pending)
        event.listen(sync, "after_rollback", _drop_pending)
    sync.info[_PENDING].append(message)


def _publish_pending(sync_session) -> None:
    pending, sync_session.info[_PENDING] = sync_session.info.get(_PENDING, []), []
    for message in pending:
        BROKER.publish(message)


def _drop_pending(sync_session) -> None:
    sync_session.info[_PENDING] = []


def message_in_scope(actor: Actor, within_path: str | None, message: Mapping[str, Any]) -> bool:
    """Whether a live announcement (`unit_path`, `rep_id`) reaches a subscriber: inside the
    subtree they narrowed to (`within_path`, if any), and either in a unit they manage or
    about themselves (a rep hears their own alerts)."""
    path = message["unit_path"]
    if within_path is not None and not path.startswith(within_path):
        return False
    own = actor.rep_id is not None and message["rep_id"] == actor.rep_id
    return actor.manages_path(path) or own
