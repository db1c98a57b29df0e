"""`alertRaised` over a real websocket (graphql-transport-ws) on 127.0.0.1: each subscriber
receives the alerts of its scope, once; without a token, nothing."""

from __future__ import annotations

import asyncio
import contextlib
import json

import httpx
import uvicorn
from websockets.asyncio.client import connect

from tests.integration.conftest import make_app

SUBSCRIPTION = "subscription { alertRaised { id rule severity rep { externalId } } }"


@contextlib.asynccontextmanager
async def serving(db_url, engine, **settings):
    """The app under uvicorn in this event loop, on a free port."""
    app = make_app(db_url, engine, notify_loop=False, **settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers no event to wait on)
        await asyncio.sleep(0.02)
    if app.state.listener is not None:
        await asyncio.wait_for(app.state.listener.listening.wait(), 10)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield port
    finally:
        server.should_exit = True
        await task


@contextlib.asynccontextmanager
async def subscribed(port: int, token: str | None, query: str = SUBSCRIPTION, variables=None):
    async with connect(
        f"ws://127.0.0.1:{port}/graphql", subprotocols=["graphql-transport-ws"]
    ) as socket:
        init = {"type": "connection_init"}
        if token:
            init["payload"] = {"Authorization": f"Bearer {token}"}
        await socket.send(json.dumps(init))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        payload = {"query": query, "variables": variables or {}}
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        yield socket


async def received(socket, count: int) -> list[dict]:
    messages = []
    while len(messages) < count:
        messages.append(json.loads(await asyncio.wait_for(socket.recv(), 15)))
    return messages


async def nothing_more(socket) -> bool:
    try:
        await asyncio.wait_for(socket.recv(), 0.5)
    except TimeoutError:
        return True
    return False


async def run_alerts(port: int, token: str) -> dict:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        response = await http.post(
            "/graphql",
            json={
                "query": 'mutation { runAlerts(input: {day: "2026-11-20"}) { summary { raised } '
                "errors { code } } }"
            },
            headers={"Authorization": f"Bearer {token}"},
        )
    return response.json()["data"]["runAlerts"]


async def test_each_subscriber_receives_its_scope_once(db_url, engine, world):
    async with (
        serving(db_url, engine) as port,
        subscribed(port, world.tokens["manager"]) as manager,
        subscribed(port, world.tokens["rep"]) as rep,
        subscribed(port, world.tokens["director"]) as director,
    ):
        await asyncio.sleep(0.2)  # let the subscriptions reach the broker
        result = await run_alerts(port, world.tokens["admin"])
        assert result == {"summary": {"raised": 4}, "errors": []}  # nothing logged: KPIs missed
        seen = {}
        for name, socket, count in (
            ("manager", manager, 2),
            ("rep", rep, 1),
            ("director", director, 4),
        ):
            messages = await received(socket, count)
            assert {m["type"] for m in messages} == {"next"}
            seen[name] = sorted(
                m["payload"]["data"]["alertRaised"]["rep"]["externalId"] for m in messages
            )
            assert await nothing_more(socket)
        assert seen == {
            "manager": ["r1", "r2"],
            "rep": ["r1"],
            "director": ["r1", "r2", "r3", "r4"],
        }
        # Running the day again raises nothing, so nobody hears anything.
        assert (await run_alerts(port, world.tokens["admin"]))["summary"] == {"raised": 0}
        assert await nothing_more(director)


async def test_without_a_token_the_subscription_is_refused(db_url, engine, world):
    async with serving(db_url, engine) as port, subscribed(port, None) as socket:
        [message] = await received(socket, 1)
        assert message["type"] == "error"
        assert message["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_unit_outside_your_scope_is_refused(db_url, engine, world):
    query = f'subscription {{ alertRaised(unitId: "{world.unit("west")}") {{ id }} }}'
    async with (
        serving(db_url, engine) as port,
        subscribed(port, world.tokens["manager"], query) as socket,
    ):
        [message] = await received(socket, 1)
        assert message["type"] == "next" and message["payload"]["data"] is None
        assert message["payload"]["errors"][0]["extensions"]["code"] == "UNIT_NOT_FOUND"
