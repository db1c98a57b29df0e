"""A small company on the database under test, and a GraphQL client through the ASGI app."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import pytest
from strawberry.relay import to_base64

from api.core.app import create_app
from domain.kernel.actor import Actor, Role
from domain.org import access, service
from domain.org.models import OrgUnitKind, RepLevel
from domain.settings import load_settings

TODAY = date(2026, 11, 20)
BOOTSTRAP = Actor(user_id=0, roles=frozenset({Role.ADMIN.value}))


def gid(type_name: str, pk: int) -> str:
    return to_base64(type_name, pk)


@dataclass
class World:
    """Acme: company → East (Shanghai, Hangzhou), West (Chengdu); a login per role."""

    units: dict[str, int] = field(default_factory=dict)
    reps: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def unit(self, code: str) -> str:
        return gid("OrgUnit", self.units[code])

    def rep(self, external_id: str) -> str:
        return gid("Rep", self.reps[external_id])

    def user(self, login: str) -> str:
        return gid("User", self.users[login])


async def build_world(sessions) -> World:
    world = World()
    async with sessions() as session:
        admin = await access.create_user(
            session, BOOTSTRAP, login="admin", display_name="Admin", roles=[Role.ADMIN]
        )
        actor = await access.actor_for(session, admin)
        world.users["admin"] = admin.id
        tree = [
            ("acme", "Acme", OrgUnitKind.COMPANY, None),
            ("east", "East", OrgUnitKind.REGION, "acme"),
            ("east.sh", "Shanghai", OrgUnitKind.TEAM, "east"),
            ("east.hz", "Hangzhou", OrgUnitKind.TEAM, "east"),
            ("west", "West", OrgUnitKind.REGION, "acme"),
            ("west.cd", "Chengdu", OrgUnitKind.TEAM, "west"),
        ]
        for code, name, kind, parent in tree:
            unit = await service.create_org_unit(
                session,
                actor,
                code=code,
                name=name,
                kind=kind,
                parent_id=world.units[parent] if parent else None,
            )
            world.units[code] = unit.id
        reps = [
            ("r1", "east.sh", RepLevel.JUNIOR, {"government": 4}),
            ("r2", "east.sh", RepLevel.SENIOR, {"enterprise_fleet": 5}),
            ("r3", "east.hz", RepLevel.MID, {"government": 2, "smb": 3}),
            ("r4", "west.cd", RepLevel.SENIOR, {"private_buyer": 5}),
        ]
        for external_id, unit_code, level, specialties in reps:
            rep = await service.create_rep(
                session,
                actor,
                external_id=external_id,
                today=TODAY,
                data=service.RepChanges(
                    name=f"Rep {external_id}",
                    unit_id=world.units[unit_code],
                    level=level,
                    hire_date=date(2024, 3, 1),
                    capacity=10,
                    specialties=specialties,
                    territories=[unit_code.split(".")[1]],
                ),
            )
            world.reps[external_id] = rep.id
        logins = [
            ("director", [Role.DIRECTOR], "acme", None),
            ("director.east", [Role.DIRECTOR], "east", None),
            ("manager", [Role.MANAGER], "east.sh", None),
            ("rep", [Role.REP], None, "r1"),
            ("intake", [Role.INTAKE], None, None),
        ]
        for login, roles, scope, rep in logins:
            user = await access.create_user(
                session,
                actor,
                login=login,
                display_name=login.title(),
                roles=roles,
                scope_unit_id=world.units[scope] if scope else None,
                rep_id=world.reps[rep] if rep else None,
            )
            world.users[login] = user.id
        for login, user_id in world.users.items():
            _, secret = await access.issue_token(session, actor, user_id=user_id, name="tests")
            world.tokens[login] = secret
        await session.commit()
    return world


@pytest.fixture
async def world(sessions) -> World:
    return await build_world(sessions)


class Api:
    """POSTs GraphQL to the app as a given login (or with a raw token, or none)."""

    def __init__(self, client: httpx.AsyncClient, world: World | None):
        self.client = client
        self.world = world

    async def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        as_: str | None = "admin",
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        response = await self.post(query, variables, as_=as_, token=token, headers=headers)
        return response.json()

    async def post(self, query, variables=None, *, as_="admin", token=None, headers=None):
        all_headers = dict(headers or {})
        secret = token or (self.world.tokens[as_] if as_ and self.world else None)
        if secret:
            all_headers["Authorization"] = f"Bearer {secret}"
        return await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=all_headers
        )

    async def data(self, query: str, variables: dict[str, Any] | None = None, **kw) -> dict:
        body = await self(query, variables, **kw)
        assert "errors" not in body, body
        return body["data"]


def make_app(db_url: str, engine, **overrides):
    settings = load_settings(database_url=db_url, **overrides)
    return create_app(settings, engine=engine, prepare=False)


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
