"""Admission: each worker serves at most `max_in_flight` requests at once; the next wait in
line, at most `max_queued` of them and for at most `queue_seconds`. Past either bound a
request is answered 503 at once with `Retry-After`, so overload shows as quick refusals the
client can retry, not as a queue in which every request ends up waiting half a minute."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class Overloaded(Exception):
    """No turn within the bounds: answer 503."""


class Admission:
    def __init__(self, max_in_flight: int, max_queued: int, queue_seconds: float) -> None:
        self.max_in_flight = max_in_flight
        self.max_queued = max_queued
        self.queue_seconds = queue_seconds
        self.in_flight = 0
        self.waiting = 0
        self._turns = asyncio.Semaphore(max_in_flight)

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        if self._turns.locked():
            if self.waiting >= self.max_queued:
                raise Overloaded
            self.waiting += 1
            try:
                await asyncio.wait_for(self._turns.acquire(), self.queue_seconds)
            except TimeoutError:
                raise Overloaded from None
            finally:
                self.waiting -= 1
        else:
            await self._turns.acquire()
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1
            self._turns.release()
