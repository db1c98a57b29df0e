"""The app served for real: under uvicorn on a free port of 127.0.0.1, a graphql-transport-ws
subscription to it, and `runAlerts` over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import json

import httpx
import uvicorn
from websockets.asyncio.client import connect

from tests.support.graphql import make_app

ALERT_RAISED = "subscription { alertRaised { id rule severity rep { externalId } } }"


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
async def subscribed(port: int, token: str | None, query: str = ALERT_RAISED, variables=None):
    """A websocket subscribed to `query` (alertRaised unless told) with `token`."""
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
    """The next `count` messages (15 s at most for each)."""
    messages = []
    while len(messages) < count:
        messages.append(json.loads(await asyncio.wait_for(socket.recv(), 15)))
    return messages


async def nothing_more(socket) -> bool:
    """Nothing arrives within half a second."""
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
