"""Feeds this worker's alert broker from PostgreSQL's `LISTEN`, so an alert committed by any
worker or command reaches the subscribers connected here. (On SQLite, one process, the
session publishes straight to the broker after its commit.)"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

import asyncpg
from sqlalchemy.engine import make_url

from domain.alerts.live import BROKER, CHANNEL

log = logging.getLogger("pacer.live")


def _dsn(database_url: str) -> str:
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class PostgresListener:
    """One `LISTEN` connection per worker, reconnecting with a pause when it drops."""

    def __init__(self, database_url: str, retry_seconds: float = 2.0):
        self.dsn = _dsn(database_url)
        self.retry_seconds = retry_seconds
        self.listening = asyncio.Event()
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="pacer-listen")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            connection = None
            try:
                connection = await asyncpg.connect(self.dsn)
                lost = asyncio.Event()
                connection.add_termination_listener(lambda _, lost=lost: lost.set())
                await connection.add_listener(CHANNEL, self._received)
                self.listening.set()
                await lost.wait()
            except (OSError, asyncpg.PostgresError) as error:
                log.warning("alert listener: %s; retrying in %ss", error, self.retry_seconds)
            finally:
                self.listening.clear()
                if connection is not None and not connection.is_closed():
                    await connection.close()
            await asyncio.sleep(self.retry_seconds)

    @staticmethod
    def _received(connection, pid, channel, payload: str) -> None:
        try:
            BROKER.publish(json.loads(payload))
        except ValueError:
            log.warning("alert listener: ignored a malformed notification")


@contextlib.asynccontextmanager
async def live_updates(settings):
    """For the app's lifespan: listen on PostgreSQL; nothing to do on SQLite."""
    if settings.is_sqlite:
        yield None
        return
    listener = PostgresListener(settings.database_url)
    listener.start()
    try:
        yield listener
    finally:
        await listener.stop()
