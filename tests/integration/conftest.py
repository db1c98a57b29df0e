"""Fixtures of the integration tests: Acme on the database under test (`world`), and a GraphQL
client through the ASGI app (`api`). The helpers are in tests/support (world.py, graphql.py)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from domain.kernel.actor import Role
from domain.org import access
from tests.support.graphql import Api, make_app
from tests.support.world import BOOTSTRAP, World, build_world


@pytest.fixture
async def world(sessions) -> World:
    return await build_world(sessions)


@pytest.fixture
def app_settings() -> dict[str, Any]:
    """Override per test module/test to change the app's settings."""
    return {}


@pytest.fixture
async def client(db_url, engine, app_settings):
    app = make_app(db_url, engine, **app_settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://pacer.test") as http:
        yield http


@pytest.fixture
def api(client, world) -> Api:
    return Api(client, world)


@pytest.fixture
async def lead(sessions, world):
    """A login that both manages Shanghai and practises as the rep r2 (practice, capability)."""
    async with sessions() as session:
        user = await access.create_user(
            session,
            BOOTSTRAP,
            login="lead",
            display_name="Lead",
            roles=[Role.MANAGER, Role.REP],
            scope_unit_id=world.units["east.sh"],
            rep_id=world.reps["r2"],
        )
        _, secret = await access.issue_token(session, BOOTSTRAP, user_id=user.id, name="t")
        await session.commit()
    world.tokens["lead"] = secret
    return "lead"


@pytest.fixture
async def dual_role_token(sessions, world) -> str:
    """Manager of Hangzhou who is also rep r2 (in Shanghai): sees r2's targets as their own
    but does not manage them."""
    async with sessions() as session:
        user = await access.create_user(
            session,
            BOOTSTRAP,
            login="mgr.rep",
            display_name="Both",
            roles=[Role.MANAGER, Role.REP],
            scope_unit_id=world.units["east.hz"],
            rep_id=world.reps["r2"],
        )
        _, secret = await access.issue_token(session, BOOTSTRAP, user_id=user.id, name="t")
        await session.commit()
    return secret
