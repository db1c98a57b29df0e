"""Benchmark of target allocation and the target tree (run on demand, not by pytest).

    python tests/perf/bench_targets.py [--reps 10000] [--database-url URL]

Builds a company of 20 regions × 10 teams × N/200 reps, plus one region a fifth that size
(bulk-inserted: the organisation is the fixture, not what is measured) with four deals per
rep, then measures
1. allocating an annual revenue target down the tree to every rep and each rep's year over
   12 months, through the allocation service;
2. `targetTree` with progress for one region through GraphQL,
and prints times and SQL statement counts. The tree is also queried for a region a fifth the
size: its statement count must be the same.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
from sqlalchemy import event, insert, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from api.core.app import create_app  # noqa: E402
from domain import db  # noqa: E402
from domain.kernel.actor import Actor  # noqa: E402
from domain.org.models import OrgUnit, Rep, User, UserRole  # noqa: E402
from domain.org.rules import hash_token  # noqa: E402
from domain.settings import load_settings  # noqa: E402
from domain.targets import allocation, rules, service  # noqa: E402
from domain.targets.models import Deal, Metric, PeriodKind, Target  # noqa: E402
from domain.targets.periods import Period  # noqa: E402
from tests.perf.bench_pipeline import COMPANY_ROW  # noqa: E402

REGIONS, TEAMS = 20, 10
YEAR = Period.of(PeriodKind.YEAR, date(date.today().year, 1, 1))
ADMIN = Actor(user_id=0, roles=frozenset({"admin"}))
TOKEN = "pacer_benchmark-token-0000000000000000000000000"


class Counter:
    def __init__(self, engine):
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self)

    def __call__(self, *args):
        self.count += 1


async def build_company(sessions, reps_per_team: int, small_team_size: int) -> dict:
    rng = random.Random(1)
    async with sessions() as session:
        units, reps, deals = [], [], []
        units.append(dict(COMPANY_ROW))
        next_id = 2
        for region in range(REGIONS + 1):  # the last one is the small region
            region_id = next_id
            next_id += 1
            units.append(
                {
                    "id": region_id,
                    "code": f"r{region}",
                    "name": f"Region {region}",
                    "kind": "region",
                    "parent_id": 1,
                    "path": f"/1/{region_id}/",
                    "depth": 1,
                }
            )
            for team in range(TEAMS):
                team_id = next_id
                next_id += 1
                units.append(
                    {
                        "id": team_id,
                        "code": f"r{region}.t{team}",
                        "name": f"T{team}",
                        "kind": "team",
                        "parent_id": region_id,
                        "path": f"/1/{region_id}/{team_id}/",
                        "depth": 2,
                    }
                )
                size = small_team_size if region == REGIONS else reps_per_team
                for _ in range(size):
                    rep_id = len(reps) + 1
                    reps.append(
                        {
                            "id": rep_id,
                            "external_id": f"rep{rep_id}",
                            "name": f"R{rep_id}",
                            "unit_id": team_id,
                            "level": "mid",
                            "hire_date": date(2022, 1, 1),
                            "capacity": 20,
                            "status": "active",
                        }
                    )
                    for n in range(4):
                        deals.append(
                            {
                                "external_id": f"d{rep_id}-{n}",
                                "close_date": date.today() - timedelta(days=rng.randint(1, 300)),
                                "amount": rng.randint(10_000_00, 500_000_00),
                                "rep_id": rep_id,
                                "customer": f"c{rng.randint(1, 5000)}",
                                "segment": "smb",
                                "product_line": "ev",
                                "high_margin": False,
                                "one_off": False,
                            }
                        )
        await session.execute(insert(OrgUnit), units)
        for start in range(0, len(reps), 5000):
            await session.execute(insert(Rep), reps[start : start + 5000])
        for start in range(0, len(deals), 5000):
            await session.execute(insert(Deal), deals[start : start + 5000])
        session.add(User(id=1, login="admin", display_name="A", role_rows=[UserRole(role="admin")]))
        await session.flush()
        from domain.org.models import ApiToken

        session.add(ApiToken(user_id=1, name="bench", token_hash=hash_token(TOKEN), prefix="x"))
        await session.commit()
    return {"reps": len(reps), "units": len(units)}


async def allocate_everything(sessions) -> int:
    plan = allocation.AllocationPlan(True, None, rules.WeightMix(), even=False)
    months = allocation.AllocationPlan(False, PeriodKind.MONTH, rules.WeightMix(), even=False)
    async with sessions() as session:
        top = await service.set_target(
            session,
            ADMIN,
            metric=Metric.REVENUE,
            owner=service.Owner(unit_id=1),
            period=YEAR,
            amount=10_000_000_000_00,
        )
        level, created = [top], 1
        while level:
            below = []
            for parent in level:
                children = await allocation.allocate_target(
                    session,
                    ADMIN,
                    target_id=parent.id,
                    plan=months if parent.owner_rep_id else plan,
                    today=date.today(),
                )
                created += len(children)
                if not parent.owner_rep_id:
                    below += children
            level = below
        await session.commit()
    return created


async def tree(client, region_id: int) -> int:
    query = """query($root: ID!, $start: Date!) { targetTree(rootId: $root, metric: REVENUE,
      periodKind: YEAR, periodStart: $start) { depth target { amount ownerRep { name }
      ownerUnit { name } } progress { achieved completion paceRatio } } }"""
    from strawberry.relay.utils import to_base64

    response = await client.post(
        "/graphql",
        json={
            "query": query,
            "variables": {"root": to_base64("OrgUnit", region_id), "start": YEAR.start.isoformat()},
        },
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    body = response.json()
    assert "errors" not in body, body
    return len(body["data"]["targetTree"])


async def main(reps: int, url: str | None) -> None:
    folder = tempfile.mkdtemp()
    url = url or f"sqlite+aiosqlite:///{folder}/bench.db"
    engine = db.create_engine(url)
    await db.upgrade(engine)
    sessions = db.session_factory(engine)
    per_team = reps // (REGIONS * TEAMS)
    size = await build_company(sessions, per_team, max(1, per_team // 5))
    print(f"company: {size['reps']} reps in {size['units']} units ({url.split(':')[0]})")

    counter = Counter(engine)
    started = time.perf_counter()
    created = await allocate_everything(sessions)
    seconds = time.perf_counter() - started
    print(
        f"allocate year → regions → teams → reps → 12 months: {created} targets in "
        f"{seconds:.1f} s, {counter.count} statements"
    )

    app = create_app(load_settings(database_url=url), engine=engine, prepare=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench"
    ) as client:
        async with sessions() as session:
            regions = list(
                await session.scalars(
                    select(OrgUnit.id).where(OrgUnit.kind == "region").order_by(OrgUnit.id)
                )
            )
        await tree(client, regions[0])  # warm up
        for label, region in (("large", regions[0]), ("small", regions[-1])):
            counter.count = 0
            started = time.perf_counter()
            rows = await tree(client, region)
            print(
                f"targetTree with progress, {label} region: {rows} rows in "
                f"{(time.perf_counter() - started) * 1000:.0f} ms, {counter.count} statements"
            )
    async with sessions() as session:
        total = len(list(await session.scalars(select(Target.id))))
    print(f"targets stored: {total}")
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10_000)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.reps, arguments.database_url))
