"""Admission: a bounded number of requests at once, a bounded line, a bounded wait; past
those a quick coded 503 with Retry-After, never an unbounded queue."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.core.admission import Admission, Overloaded
from api.core.request_scope import RequestScope
from domain.kernel.long_waits import before_long_wait, on_long_wait


async def hold(admission: Admission, release: asyncio.Event, log: list[str], name: str) -> None:
    async with admission.turn():
        log.append(name)
        await release.wait()


async def test_requests_beyond_the_limit_wait_for_a_turn_then_run():
    admission = Admission(max_in_flight=2, max_queued=10, queue_seconds=5)
    release, log = asyncio.Event(), []
    tasks = [asyncio.create_task(hold(admission, release, log, str(i))) for i in range(3)]
    await asyncio.sleep(0.05)
    assert (admission.in_flight, admission.waiting, log) == (2, 1, ["0", "1"])
    release.set()
    await asyncio.gather(*tasks)
    assert sorted(log) == ["0", "1", "2"] and admission.in_flight == 0


async def test_a_wait_longer_than_the_bound_is_refused_quickly():
    admission = Admission(max_in_flight=1, max_queued=10, queue_seconds=0.1)
    release = asyncio.Event()
    holder = asyncio.create_task(hold(admission, release, [], "a"))
    await asyncio.sleep(0.01)
    started = time.monotonic()
    with pytest.raises(Overloaded):
        async with admission.turn():
            pass
    assert time.monotonic() - started < 1
    assert admission.waiting == 0
    release.set()
    await holder


async def test_a_full_line_is_refused_at_once():
    admission = Admission(max_in_flight=1, max_queued=1, queue_seconds=30)
    release = asyncio.Event()
    tasks = [asyncio.create_task(hold(admission, release, [], str(i))) for i in range(2)]
    await asyncio.sleep(0.01)
    started = time.monotonic()
    with pytest.raises(Overloaded):
        async with admission.turn():
            pass
    assert time.monotonic() - started < 0.1
    release.set()
    await asyncio.gather(*tasks)


async def test_requests_being_served_run_a_few_at_a_time_in_order_of_arrival():
    admission = Admission(max_in_flight=10, max_queued=10, queue_seconds=5, max_running=2)
    release, log = asyncio.Event(), []
    tasks = []
    for i in range(5):
        tasks.append(asyncio.create_task(hold(admission, release, log, str(i))))
        await asyncio.sleep(0)  # arrive one after the other
    await asyncio.sleep(0.05)
    assert (admission.in_flight, admission.running, admission.waiting) == (5, 2, 0)
    assert log == ["0", "1"]
    release.set()
    await asyncio.gather(*tasks)
    assert log == ["0", "1", "2", "3", "4"]
    assert (admission.in_flight, admission.running) == (0, 0)


async def test_a_request_about_to_wait_long_hands_its_turn_to_the_next_and_does_not_queue_again():
    admission = Admission(max_in_flight=10, max_queued=10, queue_seconds=5, max_running=1)
    answer, log = asyncio.Event(), []

    async def asks_the_model():
        async with admission.turn():
            log.append("model asked")
            before_long_wait()
            before_long_wait()  # a second call (a retry) gives nothing more away
            await answer.wait()
            log.append("model answered")

    async def quick():
        async with admission.turn():
            log.append("quick")

    slow = asyncio.create_task(asks_the_model())
    await asyncio.sleep(0.01)
    await asyncio.wait_for(quick(), 1)  # ran while the model was still thinking
    assert log == ["model asked", "quick"]
    holder = asyncio.create_task(hold(admission, asyncio.Event(), log, "holder"))
    await asyncio.sleep(0.01)
    assert admission.running == 1  # the holder runs; the one waiting long has no turn
    answer.set()
    await asyncio.wait_for(slow, 1)  # finished without waiting for the holder's turn
    assert log[-1] == "model answered" and (admission.in_flight, admission.running) == (1, 1)
    holder.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await holder
    assert (admission.in_flight, admission.running) == (0, 0)


def test_a_long_wait_calls_the_hook_of_its_block_only():
    calls = []
    before_long_wait()  # outside any block: nothing to call, nothing raised
    with on_long_wait(lambda: calls.append("outer")):
        before_long_wait()
        with on_long_wait(lambda: calls.append("inner")):
            before_long_wait()
        before_long_wait()
    before_long_wait()
    assert calls == ["outer", "inner", "outer"]


def test_never_more_running_than_being_served():
    assert Admission(3, 0, 1, max_running=8).max_running == 3
    assert Admission(3, 0, 1).max_running == 3


@settings(max_examples=30, deadline=None)
@given(
    limit=st.integers(1, 5),
    running=st.integers(1, 5),
    queued=st.integers(0, 5),
    arrivals=st.integers(0, 15),
    long_waits=st.lists(st.booleans(), min_size=15, max_size=15),
)
def test_never_more_in_flight_or_running_than_the_limits_and_every_request_runs_or_is_refused(
    limit, running, queued, arrivals, long_waits
):
    async def scenario():
        admission = Admission(
            max_in_flight=limit, max_queued=queued, queue_seconds=0.05, max_running=running
        )
        most, most_running, outcomes = 0, 0, []

        async def request(waits_long: bool):
            nonlocal most, most_running
            try:
                async with admission.turn():
                    most = max(most, admission.in_flight)
                    most_running = max(most_running, admission.running)
                    if waits_long:
                        before_long_wait()
                    await asyncio.sleep(0.01)
                outcomes.append("served")
            except Overloaded:
                outcomes.append("refused")

        await asyncio.gather(*(request(long_waits[i]) for i in range(arrivals)))
        return admission, most, most_running, outcomes

    admission, most, most_running, outcomes = asyncio.run(scenario())
    assert most <= limit
    assert most_running <= min(running, limit)
    assert len(outcomes) == arrivals
    assert outcomes.count("served") >= min(arrivals, limit)
    assert (admission.in_flight, admission.waiting, admission.running) == (0, 0, 0)


async def test_the_request_scope_answers_an_overloaded_request_503_with_retry_after():
    release = asyncio.Event()

    async def slow_app(scope, receive, send):
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    @contextlib.asynccontextmanager
    async def sessions():
        yield object()

    scope_app = SimpleNamespace(state=SimpleNamespace(sessions=sessions))
    middleware = RequestScope(slow_app, 1_000, Admission(1, 0, 1))

    async def call(path: str) -> list[dict]:
        sent: list[dict] = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        scope = {
            "type": "http",
            "method": "POST",
            "path": path,
            "headers": [(b"accept-language", b"en"), (b"content-length", b"0")],
            "app": scope_app,
        }
        await middleware(scope, receive, send)
        return sent

    first = asyncio.create_task(call("/graphql"))
    await asyncio.sleep(0.01)
    refused = await call("/graphql")
    start = refused[0]
    assert start["status"] == 503
    assert (b"retry-after", b"1") in start["headers"]
    body = json.loads(refused[1]["body"])
    assert body["errors"][0]["extensions"]["code"] == "OVERLOADED"
    assert body["errors"][0]["message"] == "The server is busy: retry in a moment."
    probe = asyncio.create_task(call("/healthz"))  # probes are not gated
    await asyncio.sleep(0.01)
    release.set()
    assert (await first)[0]["status"] == 200
    assert (await probe)[0]["status"] == 200


def test_a_postgresql_worker_has_a_connection_for_every_request_it_serves_at_once():
    from domain.db import pool_options
    from domain.settings import load_settings

    postgres = load_settings(database_url="postgresql+asyncpg://pacer@127.0.0.1/pacer")
    options = pool_options(postgres)
    assert options["pool_size"] + options["max_overflow"] >= postgres.max_in_flight
    assert options["pool_timeout"] < 30  # never SQLAlchemy's half-minute default
    assert pool_options(load_settings(database_url="sqlite+aiosqlite:///x.db")) == {}
