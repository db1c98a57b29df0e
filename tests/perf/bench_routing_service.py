"""Benchmark: routing through the service, on a real database (run on demand, not by pytest).

    python tests/perf/bench_routing_service.py [--reps 5000] [--leads 200]
        [--bulk-reps 2000] [--bulk-leads 1000] [--databases sqlite,postgresql]

Seeds the market of `bench_routing.py` into a fresh database with bulk inserts: the reps with
their territories, specialties, capability scores and milestone flags, their open leads (the
load) and a closed history per segment and source (the conversion history). Then:
- one lead at a time: `intake_lead` + commit for `--leads` leads among `--reps` reps, median
  and p99 wall time per lead (each lead written, routed, its decision stored and committed);
- one `intake_leads` call of `--bulk-leads` leads over `--bulk-reps` reps, + commit.
Each database first takes one lead, which builds the router's candidate pool (its time is
printed); the service keeps the pool per process, so the figures after it are the steady
state, measured with the garbage collector set as `pacer serve` sets it (`long_lived_heap`).
PostgreSQL is used when PACER_TEST_POSTGRES_URL names a server (a database is created and
dropped per run).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]

from bench_routing import SOURCES, make_leads, make_reps, percentile  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from api.core.app import long_lived_heap  # noqa: E402
from coaching.routing.service import Router, intake_lead, intake_leads  # noqa: E402
from domain import db  # noqa: E402
from domain.capability.models import CapabilityScore, MilestoneAward  # noqa: E402
from domain.db import utcnow  # noqa: E402
from domain.leads.rules import Contact, IntakeItem  # noqa: E402
from domain.org.models import OrgUnit, Rep, RepSpecialty, RepTerritory  # noqa: E402
from domain.pipeline.models import Account, Opportunity  # noqa: E402
from domain.settings import load_settings  # noqa: E402
from tests.support.db import async_url, fresh_postgres_database  # noqa: E402
from tests.support.world import BOOTSTRAP  # noqa: E402

CHUNK = 5000


async def _insert(session, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(model), rows[start : start + CHUNK])


async def seed(sessions, reps, seed: int) -> None:
    """The candidates as rows: one unit per city, the open load as leads in stage `lead`, the
    conversion history as won and lost deals closed over the last 90 days."""
    rng = random.Random(seed)
    now = utcnow()
    cities = sorted({t for r in reps for t in r.territories})
    async with sessions() as session:
        await _insert(
            session,
            OrgUnit,
            [
                {
                    "id": 1,
                    "code": "company",
                    "name": "Company",
                    "kind": "company",
                    "parent_id": None,
                    "path": "/1/",
                    "depth": 0,
                }
            ],
        )
        units = {c.unit_id for c in reps}
        await _insert(
            session,
            OrgUnit,
            [
                {
                    "id": 100 + u,
                    "code": f"team{u}",
                    "name": f"Team {u}",
                    "kind": "team",
                    "parent_id": 1,
                    "path": f"/1/{100 + u}/",
                    "depth": 1,
                }
                for u in sorted(units)
            ],
        )
        await _insert(
            session,
            Rep,
            [
                {
                    "id": r.rep_id,
                    "external_id": r.external_id,
                    "name": f"Rep {r.rep_id}",
                    "unit_id": 100 + r.unit_id,
                    "level": r.level,
                    "hire_date": date(2024, 1, 1),
                    "capacity": r.capacity,
                    "status": r.status,
                }
                for r in reps
            ],
        )
        await _insert(
            session,
            RepTerritory,
            [{"rep_id": r.rep_id, "territory": t} for r in reps for t in r.territories],
        )
        await _insert(
            session,
            RepSpecialty,
            [
                {"rep_id": r.rep_id, "segment": s, "proficiency": p}
                for r in reps
                for s, p in r.specialties.items()
            ],
        )
        await _insert(
            session,
            CapabilityScore,
            [
                {
                    "rep_id": r.rep_id,
                    "dimension": d,
                    "computed_score": v,
                    "confidence": 0.8,
                    "observations": 10,
                    "sources": [],
                    "updated_at": now,
                }
                for r in reps
                for d, v in r.capability.items()
            ],
        )
        await _insert(
            session,
            MilestoneAward,
            [
                {
                    "rep_id": r.rep_id,
                    "milestone": "certified",
                    "flags": sorted(r.flags),
                    "numbers": {},
                    "awarded_on": date(2025, 1, 1),
                }
                for r in reps
                if r.flags
            ],
        )
        await _insert(
            session,
            Account,
            [
                {
                    "id": r.rep_id,
                    "name": f"Account {r.rep_id}",
                    "segment": rng.choice(sorted(r.specialties) or ["smb"]),
                    "region": min(r.territories),
                    "owner_rep_id": r.rep_id,
                }
                for r in reps
            ],
        )
        opportunities = []
        for r in reps:
            base = {
                "account_id": r.rep_id,
                "owner_rep_id": r.rep_id,
                "title": "deal",
                "amount": 10_000_00,
                "expected_close": date.today(),
                "qualification": {},
            }
            opportunities += [
                base
                | {
                    "stage": "lead",
                    "stage_entered_at": now,
                    "source_lead": None,
                    "won_amount": None,
                    "won_on": None,
                    "loss_reason_code": None,
                }
            ] * r.open_load
            for (_segment, source), (won, total) in r.conversion.items():
                closed_at = now - timedelta(days=rng.randint(1, 90))
                closed = {"source_lead": source, "stage_entered_at": closed_at}
                won_row = {
                    "stage": "won",
                    "won_amount": 10_000_00,
                    "won_on": closed_at.date(),
                    "loss_reason_code": None,
                }
                lost_row = {
                    "stage": "lost",
                    "won_amount": None,
                    "won_on": None,
                    "loss_reason_code": "price",
                }
                opportunities += [
                    base | closed | (won_row if i < won else lost_row) for i in range(total)
                ]
        await _insert(session, Opportunity, opportunities)
        if session.bind.dialect.name == "postgresql":  # rows inserted with their own ids
            for table in ("org_unit", "rep", "account"):
                await session.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT max(id) FROM {table}))")
                )  # fmt: skip
        await session.commit()
    print(f"  seeded {len(reps)} reps in {len(cities)} cities, {len(opportunities)} opportunities")


def item(facts, number: int) -> IntakeItem:
    return IntakeItem(
        external_id=f"bench-{number}",
        source=facts.source if facts.source in SOURCES else "web",
        segment=facts.segment,
        region=facts.territory,
        product_interests=tuple(sorted(facts.product_interests)),
        signals=tuple(sorted(facts.signals)),
        estimated_value=facts.estimated_value,
        contact=Contact(email=f"buyer{number}@example.com"),
    )


async def one_at_a_time(sessions, router, leads, first: int = 0) -> list[float]:
    timings = []
    for number, facts in enumerate(leads, first):
        start = time.perf_counter()
        async with sessions() as session:
            routed = await intake_lead(session, BOOTSTRAP, router, item(facts, number))
            await session.commit()
        timings.append((time.perf_counter() - start) * 1e3)
        assert routed.decision is not None
    return timings


async def bulk(sessions, router, leads) -> float:
    start = time.perf_counter()
    async with sessions() as session:
        routed = await intake_leads(
            session, BOOTSTRAP, router, [item(f, 10**6 + i) for i, f in enumerate(leads)]
        )
        await session.commit()
    assert all(r.decision is not None for r in routed)
    return time.perf_counter() - start


async def run(url: str, reps_count: int, leads_count: int, one_at_a_time_: bool, args) -> None:
    router = Router.of(load_settings())
    engine = db.create_engine(url)
    try:
        await db.upgrade(engine)
        sessions = db.session_factory(engine)
        rng = random.Random(args.seed)
        await seed(sessions, make_reps(reps_count, rng), args.seed)
        leads = make_leads(leads_count, rng)
        # The first lead builds the router's candidate pool, which the process then keeps.
        built = await one_at_a_time(sessions, router, make_leads(1, rng), first=-1)
        print(f"  first lead, the candidate pool built: {built[0] / 1e3:6.2f} s")
        with long_lived_heap():  # the collector as `pacer serve` sets it
            if one_at_a_time_:
                await one_at_a_time(sessions, router, leads[:5])  # warm-up
                timings = await one_at_a_time(sessions, router, leads[5:], first=5)
                print(
                    f"  intake_lead + commit, one lead among {reps_count} reps: "
                    f"median {statistics.median(timings):6.1f} ms   "
                    f"p99 {percentile(timings, 0.99):6.1f} ms   ({len(timings)} leads)"
                )
            else:
                wall = await bulk(sessions, router, leads)
                print(
                    f"  intake_leads of {leads_count} leads over {reps_count} reps + commit: "
                    f"{wall:6.2f} s"
                )
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5000)
    parser.add_argument("--leads", type=int, default=200)
    parser.add_argument("--bulk-reps", type=int, default=2000)
    parser.add_argument("--bulk-leads", type=int, default=1000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    for name in args.databases.split(","):
        print(f"{name}:")
        for reps, leads, single in (
            (args.reps, args.leads, True),
            (args.bulk_reps, args.bulk_leads, False),
        ):
            with database(name) as url:
                if url:
                    asyncio.run(run(url, reps, leads, single, args))


@contextlib.contextmanager
def database(name: str):
    """A new empty database (None when PostgreSQL is not configured)."""
    if name == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite+aiosqlite:///{folder}/bench.db"
    elif name == "postgresql":
        server = os.environ.get("PACER_TEST_POSTGRES_URL")
        if not server:
            print("  PACER_TEST_POSTGRES_URL is not set: skipped")
            yield None
            return
        with fresh_postgres_database(async_url(server)) as url:
            yield url
    else:
        raise SystemExit(f"unknown database {name!r} (sqlite, postgresql)")


if __name__ == "__main__":
    main()
