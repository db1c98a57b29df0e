"""Admission: each worker serves at most `max_in_flight` requests at once; the next wait in
line, at most `max_queued` of them and for at most `queue_seconds`. Past either bound a
request is answered 503 at once with `Retry-After`, so overload shows as quick refusals the
client can retry, not as a queue in which every request ends up waiting half a minute.

Of the requests being served, at most `max_running` run at once, the others wait their turn
in order of arrival. A worker is one core: twenty requests sharing it take twenty times as
long each, the longest ones most of all, while a few at a time (enough to keep the core busy
when some wait on the database) finish one after the other and the slow tail shortens. A
request about to wait long without using the core (`domain.kernel.long_waits`: a language
model's answer, a practice session another reply holds while it waits on the model, the
alert evaluator's lock) hands its running turn to the next in line and, once the wait is
over, finishes without queueing again: it has had its turn, and queueing again could leave
it behind requests waiting on the very rows it holds."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from domain.kernel.long_waits import on_long_wait


class Overloaded(Exception):
    """No turn within the bounds: answer 503."""


class Admission:
    def __init__(
        self,
        max_in_flight: int,
        max_queued: int,
        queue_seconds: float,
        max_running: int | None = None,
    ) -> None:
        self.max_in_flight = max_in_flight
        self.max_running = min(max_running or max_in_flight, max_in_flight)
        self.max_queued = max_queued
        self.queue_seconds = queue_seconds
        self.in_flight = 0
        self.waiting = 0
        self.running = 0
        self._seats = asyncio.Semaphore(max_in_flight)
        self._turns = asyncio.Semaphore(self.max_running)

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        await self._take_seat()
        self.in_flight += 1
        try:
            async with self._running_turn():
                yield
        finally:
            self.in_flight -= 1
            self._seats.release()

    async def _take_seat(self) -> None:
        if not self._seats.locked():
            await self._seats.acquire()
            return
        if self.waiting >= self.max_queued:
            raise Overloaded
        self.waiting += 1
        try:
            await asyncio.wait_for(self._seats.acquire(), self.queue_seconds)
        except TimeoutError:
            raise Overloaded from None
        finally:
            self.waiting -= 1

    @contextlib.asynccontextmanager
    async def _running_turn(self) -> AsyncIterator[None]:
        await self._turns.acquire()  # a seated request always gets a turn: no bound here
        self.running += 1
        holding = True

        def hand_over() -> None:
            nonlocal holding
            if holding:
                holding = False
                self.running -= 1
                self._turns.release()

        try:
            with on_long_wait(hand_over):
                yield
        finally:
            hand_over()
