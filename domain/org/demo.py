"""The demo company's organisation, built through the same services users call.

4 regions, 14 city teams, 68 reps (levels, specialties, hire dates drawn from a seeded
random generator), a director per region, a manager per team, a login per rep, and one
admin, company director and intake login."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.actor import Actor, Role
from domain.org import access, service
from domain.org.models import OrgUnit, OrgUnitKind, RepLevel, User

COMPANY_CODE = "demo"
COMPANY_NAME = "华辰新能源汽车销售有限公司"
REGIONS = {
    ("east", "华东大区"): [
        ("shanghai", "上海"),
        ("hangzhou", "杭州"),
        ("nanjing", "南京"),
        ("suzhou", "苏州"),
    ],
    ("south", "华南大区"): [("guangzhou", "广州"), ("shenzhen", "深圳"), ("xiamen", "厦门")],
    ("north", "华北大区"): [
        ("beijing", "北京"),
        ("tianjin", "天津"),
        ("jinan", "济南"),
        ("shenyang", "沈阳"),
    ],
    ("west", "西部大区"): [("chengdu", "成都"), ("chongqing", "重庆"), ("xian", "西安")],
}
REP_COUNT = 68
WEAK_TEAM = "west.chengdu"  # the team whose story is a slump: quiet weeks, missed KPIs
SEGMENTS = [
    "government",
    "private_buyer",
    "enterprise_fleet",
    "soe_procurement",
    "ride_hailing",
    "rental",
    "smb",
    "education",
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾"
    "萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉玲婷雪琳晨宇浩然欣怡子轩梓涵"
DEMO_LOGINS = {
    Role.ADMIN: "admin",
    Role.DIRECTOR: "director",
    Role.MANAGER: "manager.shanghai",
    Role.REP: "rep.shanghai.01",
    Role.INTAKE: "intake",
}


@dataclass(frozen=True)
class DemoOrg:
    company_id: int
    created: bool
    logins: dict[Role, str]


async def seed_org(session: AsyncSession, seed: int, today: date) -> DemoOrg:
    """Create the demo organisation once; later calls find it and change nothing."""
    existing = await session.scalar(select(OrgUnit).where(OrgUnit.code == COMPANY_CODE))
    if existing is not None:
        return DemoOrg(existing.id, False, DEMO_LOGINS)
    rng = random.Random(seed)
    admin = await _bootstrap_admin(session)
    actor = await access.actor_for(session, admin)
    company = await service.create_org_unit(
        session,
        actor,
        code=COMPANY_CODE,
        name=COMPANY_NAME,
        kind=OrgUnitKind.COMPANY,
        parent_id=None,
    )
    await _login(session, actor, "director", "全国销售总监 陈立", [Role.DIRECTOR], company.id)
    teams: list[tuple[OrgUnit, str]] = []
    for (region_code, region_name), cities in REGIONS.items():
        region = await service.create_org_unit(
            session,
            actor,
            code=region_code,
            name=region_name,
            kind=OrgUnitKind.REGION,
            parent_id=company.id,
        )
        name = f"{region_name}总监 {_person(rng)}"
        await _login(session, actor, f"director.{region_code}", name, [Role.DIRECTOR], region.id)
        for city_code, city_name in cities:
            team = await service.create_org_unit(
                session,
                actor,
                code=f"{region_code}.{city_code}",
                name=f"{city_name}团队",
                kind=OrgUnitKind.TEAM,
                parent_id=region.id,
            )
            name = f"{city_name}经理 {_person(rng)}"
            await _login(session, actor, f"manager.{city_code}", name, [Role.MANAGER], team.id)
            teams.append((team, city_code))
    await _reps(session, actor, rng, teams, today)
    await _login(session, actor, "intake", "市场线索接入", [Role.INTAKE], None)
    return DemoOrg(company.id, True, DEMO_LOGINS)


async def _bootstrap_admin(session: AsyncSession) -> User:
    admin = await session.scalar(select(User).where(User.login == "admin"))
    if admin is not None:
        return admin
    bootstrap = Actor(user_id=0, roles=frozenset({Role.ADMIN.value}))
    return await access.create_user(
        session, bootstrap, login="admin", display_name="系统管理员", roles=[Role.ADMIN]
    )


async def _login(session, actor, login, display_name, roles, scope_unit_id, rep_id=None) -> User:
    return await access.create_user(
        session,
        actor,
        login=login,
        display_name=display_name,
        roles=roles,
        scope_unit_id=scope_unit_id,
        rep_id=rep_id,
    )


async def _reps(session, actor, rng: random.Random, teams, today: date) -> None:
    per_team = [REP_COUNT // len(teams) + (i < REP_COUNT % len(teams)) for i in range(len(teams))]
    for (team, city), count in zip(teams, per_team, strict=True):
        for number in range(1, count + 1):
            level = rng.choices(list(RepLevel), weights=[3, 4, 3])[0]
            years = {RepLevel.JUNIOR: (0.05, 1.5), RepLevel.MID: (1.5, 4), RepLevel.SENIOR: (4, 10)}
            low, high = years[level]
            hire_date = today - timedelta(days=int(rng.uniform(low, high) * 365))
            picked = rng.sample(SEGMENTS, k=rng.randint(1, 3))
            specialties = {segment: rng.randint(2, 5) for segment in picked}
            external_id = f"rep.{city}.{number:02d}"
            rep = await service.create_rep(
                session,
                actor,
                external_id=external_id,
                today=today,
                data=service.RepChanges(
                    name=_person(rng),
                    unit_id=team.id,
                    level=level,
                    hire_date=hire_date,
                    capacity={RepLevel.JUNIOR: 15, RepLevel.MID: 25, RepLevel.SENIOR: 35}[level],
                    specialties=specialties,
                    territories=[city],
                ),
            )
            await _login(session, actor, external_id, rep.name, [Role.REP], None, rep.id)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2])))
