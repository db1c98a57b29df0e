"""Two real `pacer serve` processes on one PostgreSQL: a subscriber connected to one hears,
once each, the alerts raised through the other."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time

import httpx

from domain import db
from tests.support.db import fresh_postgres_database
from tests.support.live_app import nothing_more, received, run_alerts, subscribed
from tests.support.pacer_cli import PACER, free_port, pacer, wait_until_up
from tests.support.world import build_world


def wait_until_listening(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if httpx.get(f"{base}/readyz", timeout=2).json().get("live") == "listening":
            return
        time.sleep(0.2)
    raise AssertionError("the worker never started listening")


async def make_world(url: str):
    engine = db.create_engine(url)
    try:
        return await build_world(db.session_factory(engine))
    finally:
        await engine.dispose()


def test_an_alert_raised_by_one_worker_reaches_a_subscriber_of_another(
    tmp_path, postgres_server_url
):
    with fresh_postgres_database(postgres_server_url) as url:
        env = {"PACER_DATABASE_URL": url, "PACER_NOTIFY_LOOP": "false"}
        assert pacer("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
        world = asyncio.run(make_world(url))
        ports = [free_port(), free_port()]
        workers = [
            subprocess.Popen(
                [PACER, "serve", "--port", str(port)],
                cwd=tmp_path,
                env={**os.environ, **env},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for port in ports
        ]
        try:
            for port, worker in zip(ports, workers, strict=True):
                wait_until_up(f"http://127.0.0.1:{port}", worker)
                wait_until_listening(f"http://127.0.0.1:{port}")
            asyncio.run(_subscribe_on_one_raise_on_the_other(ports, world))
        finally:
            for worker in workers:
                worker.terminate()
                worker.wait(timeout=30)


async def _subscribe_on_one_raise_on_the_other(ports: list[int], world) -> None:
    async with subscribed(ports[0], world.tokens["director"]) as socket:
        await asyncio.sleep(0.3)  # the subscription reaches the worker's broker
        result = await run_alerts(ports[1], world.tokens["admin"])
        assert result == {"summary": {"raised": 4}, "errors": []}
        messages = await received(socket, 4)
        reps = sorted(m["payload"]["data"]["alertRaised"]["rep"]["externalId"] for m in messages)
        assert reps == ["r1", "r2", "r3", "r4"]
        assert await nothing_more(socket)
