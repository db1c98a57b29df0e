"""Benchmark: a month of follow-ups replayed through the service layer, then `kpiReport` and
`funnel` (run on demand, not by pytest).

    python tests/perf/bench_pipeline.py [--reps 68] [--per-day 8] [--database-url URL]

The organisation is bulk-inserted (teams of 20 reps); each rep gets two opportunities through
the services, and on every working day of the last month `--per-day` follow-ups (and now and
then a stage advance) are logged through `log_follow_up` and `advance`. Prints times.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from domain import db  # noqa: E402
from domain.kernel.actor import Actor
from domain.org.models import OrgUnit, Rep  # noqa: E402
from domain.pipeline import follow_ups, funnel, kpis, rules, service  # noqa: E402
from domain.pipeline.models import FollowUpType  # noqa: E402
from domain.targets.periods import WorkingCalendar  # noqa: E402

ADMIN = Actor(user_id=0, roles=frozenset({"admin"}))
GATES = rules.load_gates()
QUALIFICATION = {
    "budget_range": {"min": 1, "max": 2},
    "decision_maker": "王总",
    "need": "二十辆换电出租车，三个月内交付",
    "timeline": "2027-01-01",
    "decision_chain": ["采购"],
}
TEAM_SIZE = 20

COMPANY_ROW = {  # the root unit of a benchmark company, inserted as a row
    "id": 1,
    "code": "co",
    "name": "Co",
    "kind": "company",
    "parent_id": None,
    "path": "/1/",
    "depth": 0,
}


async def build(sessions, reps: int) -> list[int]:
    teams = (reps + TEAM_SIZE - 1) // TEAM_SIZE
    units = [dict(COMPANY_ROW)]
    units += [
        {
            "id": 2 + t,
            "code": f"t{t}",
            "name": f"T{t}",
            "kind": "team",
            "parent_id": 1,
            "path": f"/1/{2 + t}/",
            "depth": 1,
        }
        for t in range(teams)
    ]
    rows = [
        {
            "id": r + 1,
            "external_id": f"rep{r + 1}",
            "name": f"R{r + 1}",
            "unit_id": 2 + r // TEAM_SIZE,
            "level": ["junior", "mid", "senior"][r % 3],
            "hire_date": date(2023, 1, 1),
            "capacity": 20,
            "status": "active",
        }
        for r in range(reps)
    ]
    async with sessions() as session:
        await session.execute(insert(OrgUnit), units)
        for start in range(0, len(rows), 5000):
            await session.execute(insert(Rep), rows[start : start + 5000])
        await session.commit()
    return [row["id"] for row in rows]


async def opportunities(sessions, rep_ids: list[int]) -> list[tuple[int, int]]:
    made = []
    async with sessions() as session:
        for rep_id in rep_ids:
            account = await service.create_account(
                session, ADMIN, name="客户", segment="fleet", owner_rep_id=rep_id
            )
            for _ in range(2):
                opportunity = await service.create_opportunity(
                    session,
                    ADMIN,
                    account_id=account.id,
                    owner_rep_id=rep_id,
                    gates=GATES,
                    details=service.Details(
                        title="t",
                        amount=100,
                        expected_close=date.today(),
                        qualification=dict(QUALIFICATION),
                    ),
                )
                made.append((opportunity.id, rep_id))
        await session.commit()
    return made


async def replay(sessions, deals, per_day: int, days: list[date]) -> int:
    rng = random.Random(5)
    logged = 0
    types = list(FollowUpType)
    for day in days:
        async with sessions() as session:
            for opportunity_id, _ in deals:
                for _ in range(per_day // 2):
                    occurred = datetime.combine(day, datetime.min.time(), UTC) + timedelta(
                        hours=rng.uniform(1, 10)
                    )
                    await follow_ups.log_follow_up(
                        session,
                        ADMIN,
                        opportunity_id=opportunity_id,
                        max_age_days=7,
                        now=occurred + timedelta(hours=1),
                        entry=follow_ups.Entry(
                            type=rng.choice(types),
                            occurred_at=occurred,
                            customer_status="engaged",
                            customer_responded=True,
                        ),
                    )
                    logged += 1
                if rng.random() < 0.05:
                    current = await service.get_opportunity(session, ADMIN, opportunity_id)
                    if current.stage != "negotiation":
                        await service.advance(
                            session,
                            ADMIN,
                            opportunity_id=opportunity_id,
                            expected_version=current.version,
                            to_stage=None,
                            gates=GATES,
                        )
            await session.commit()
    return logged


async def main(reps: int, per_day: int, url: str | None) -> None:
    url = url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = db.create_engine(url)
    await db.upgrade(engine)
    sessions = db.session_factory(engine)
    rep_ids = await build(sessions, reps)
    deals = await opportunities(sessions, rep_ids)
    calendar = WorkingCalendar("CN")
    today = date.today()
    days = [today - timedelta(days=n) for n in range(30, 0, -1)]
    working = [day for day in days if calendar.is_working(day)]
    started = time.perf_counter()
    logged = await replay(sessions, deals, per_day, working)
    seconds = time.perf_counter() - started
    print(
        f"{reps} reps, {len(working)} working days: {logged} follow-ups logged through the "
        f"service in {seconds:.1f} s ({logged / seconds:.0f}/s)"
    )
    async with sessions() as session:
        started = time.perf_counter()
        report = await kpis.kpi_report(
            session,
            ADMIN,
            start=days[0],
            end=days[-1],
            is_working=calendar.is_working,
            timezone="Asia/Shanghai",
        )
        print(
            f"kpiReport over the month: {len(report)} reps in "
            f"{(time.perf_counter() - started) * 1000:.0f} ms"
        )
        started = time.perf_counter()
        result = await funnel.funnel(
            session,
            ADMIN,
            start=days[0] - timedelta(days=1),
            end=today + timedelta(days=1),  # the company day may be ahead of UTC
            today=today,
            timezone="Asia/Shanghai",
        )
        print(
            f"funnel: {result.stages[0].reached} opportunities, {result.follow_ups} follow-ups "
            f"in {(time.perf_counter() - started) * 1000:.0f} ms"
        )
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=68)
    parser.add_argument("--per-day", type=int, default=8, help="follow-ups per rep per day")
    parser.add_argument("--database-url")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.reps, arguments.per_day, arguments.database_url))
