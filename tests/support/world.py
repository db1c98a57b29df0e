"""Acme, the small company most integration tests run against, built through the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.kernel.actor import Actor, Role
from domain.org import access, service
from domain.org.models import OrgUnitKind, RepLevel
from tests.support.graphql import gid

TODAY = date(2026, 11, 20)
BOOTSTRAP = Actor(user_id=0, roles=frozenset({Role.ADMIN.value}))


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
