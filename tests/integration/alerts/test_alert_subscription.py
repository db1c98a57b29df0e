"""`alertRaised` over a real websocket (graphql-transport-ws) on 127.0.0.1: each subscriber
receives the alerts of its scope, once; without a token, nothing."""

from __future__ import annotations

import asyncio

from tests.support.live_app import nothing_more, received, run_alerts, serving, subscribed


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
