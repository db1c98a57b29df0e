"""Benchmark: every alert rule evaluated for one day over 5,000 reps (run on demand, not by
pytest).

    python tests/perf/bench_alerts.py [--reps 5000] [--database-url URL]

The data set is bulk-inserted: the organisation of bench_pipeline (teams of 20 reps) with a
manager per team and a company-wide subscription; per rep an ordinary and a key opportunity
opened 60 days before the evaluated day (a fixed Wednesday), about four follow-ups on every
working day of the 45 days up to it, a deal a week for the 20 weeks before it and in its
week so far, and an approved revenue target per team for its month and its ISO week. Some
reps fall short of their KPIs on the last days, some key customers have been silent for 8+
days, some teams sold under 60% of their baseline in the last two weeks, and some run behind
their month or their week. KPI minimums are four touches a day for every level (with the
defaults, which also ask for stage moves, every rep would miss). Then `run_for_day` (and
the commit) is timed for that day, and again for the same day (nothing changes). Prints the
data sizes, the times, the SQL statement counts and what the first run raised. A
--database-url must name an empty database (e.g. `createdb bench_alerts`, dropped after).
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
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, insert, select, text

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE)]

from bench_pipeline import TEAM_SIZE, build  # noqa: E402

from domain import db  # noqa: E402
from domain.alerts.evaluate import run_for_day  # noqa: E402
from domain.alerts.models import Alert, AlertTask, HealthDiagnosis  # noqa: E402
from domain.notifications.models import Delivery, NotificationSubscription, OutboxEvent  # noqa: E402
from domain.org.models import OrgUnit, Rep, User, UserRole  # noqa: E402
from domain.pipeline.models import Account, FollowUp, Opportunity, StageTransition  # noqa: E402
from domain.settings import load_settings  # noqa: E402
from domain.targets.models import Deal, Target  # noqa: E402
from domain.targets.periods import WorkingCalendar  # noqa: E402
from domain.targets.planning.baseline import iso_week_start  # noqa: E402

DAY = date(2026, 11, 18)  # a Wednesday: three working days into its week
ZONE = ZoneInfo("Asia/Shanghai")
CALENDAR = WorkingCalendar("CN")
# Four touches a day; the other KPIs need stage moves the data set does not make.
MINIMUMS = {
    level: {"touches": 4, "needs_confirmed": 0, "proposals_sent": 0, "demos_booked": 0}
    for level in ("junior", "mid", "senior")
}
CHUNK = 10_000
WEEKLY_DEAL = 100_000  # per rep, on average: 2,000,000 a week per team
MONTH_TARGET = 8_400_000  # 21 working days in November at 400,000 a day
WEEK_TARGET = 2_000_000
COUNTED = (OrgUnit, Rep, User, Account, Opportunity, StageTransition, FollowUp, Deal, Target)


# Who trips what (rep index i from 0, team index t from 0).
def kpi_short_days(i: int) -> int:
    """Last working days with three follow-ups instead of four: 3 → orange, 2 → yellow."""
    return {7: 3, 23: 2}.get(i % 50, 0)


def silent_key_customer(i: int) -> bool:
    return i % 25 == 11


def breaker_team(t: int) -> bool:  # the last two complete weeks at 40%
    return t % 10 == 3


def behind_month(t: int) -> bool:  # a month target half as high again
    return t % 10 == 6


def behind_week(t: int) -> bool:  # a week target three times as high
    return t % 10 == 8


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE).astimezone(UTC)


async def bulk(session, model, rows: list[dict]) -> None:
    """Core executemany on the session's connection. The ORM bulk path (`session.execute`)
    is about twice as slow, and sends one statement per row where consecutive rows have None
    in different columns (stage transitions: over ten times as slow)."""
    connection = await session.connection()
    for start in range(0, len(rows), CHUNK):
        await connection.execute(insert(model), rows[start : start + CHUNK])


async def populate(sessions, reps: int) -> None:
    rep_ids = await build(sessions, reps)
    teams = (reps + TEAM_SIZE - 1) // TEAM_SIZE
    rng = random.Random(7)
    created = at(DAY - timedelta(days=60), 9)
    users = [{"id": 1, "login": "director", "display_name": "Director", "scope_unit_id": 1}]
    users += [
        {"id": 2 + t, "login": f"m{t}", "display_name": f"M{t}", "scope_unit_id": 2 + t}
        for t in range(teams)
    ]
    roles = [{"user_id": u["id"], "role": "manager" if u["id"] > 1 else "director"} for u in users]
    accounts, opportunities, transitions = [], [], []
    for i, rep_id in enumerate(rep_ids):
        for key in (False, True):
            oid = 2 * i + 1 + key
            accounts.append(
                {
                    "id": oid,
                    "name": f"{'Key' if key else 'Plain'} {i}",
                    "segment": "government" if key else "fleet",
                    "high_value": key,
                    "owner_rep_id": rep_id,
                    "created_at": created,
                }
            )
            opportunities.append(
                {
                    "id": oid,
                    "account_id": oid,
                    "owner_rep_id": rep_id,
                    "title": f"{'Renewal' if key else 'Fleet'} {i}",
                    "amount": 3_000_000 if key else 500_000,
                    "expected_close": DAY + timedelta(days=40 if key else 9),
                    "stage": "contacted",
                    "stage_entered_at": created + timedelta(hours=1),
                    "created_at": created,
                }
            )
            transitions += [
                {
                    "opportunity_id": oid,
                    "from_stage": None,
                    "to_stage": "lead",
                    "action": "create",
                    "at": created,
                    "seconds_in_previous": None,
                },
                {
                    "opportunity_id": oid,
                    "from_stage": "lead",
                    "to_stage": "contacted",
                    "action": "advance",
                    "at": created + timedelta(hours=1),
                    "seconds_in_previous": 3600,
                },
            ]
    working = [
        DAY - timedelta(days=n)
        for n in range(45, -1, -1)
        if CALENDAR.is_working(DAY - timedelta(days=n))
    ]
    silence = DAY - timedelta(days=8)
    follow_ups = []
    for i, rep_id in enumerate(rep_ids):
        short = set(working[len(working) - kpi_short_days(i) :]) if kpi_short_days(i) else set()
        for day in working:
            for k in range(3 if day in short else 4):
                key = k % 2 == 1
                follow_ups.append(
                    {
                        "opportunity_id": 2 * i + 1 + key,
                        "rep_id": rep_id,
                        "type": "call",
                        "occurred_at": at(day, 9 + 2 * k, rng.randrange(60)),
                        "customer_status": "engaged",
                        "customer_responded": (
                            not (silent_key_customer(i) and day >= silence) if key else k == 0
                        ),
                    }
                )
    this_week = iso_week_start(DAY)
    deals = []
    for i, rep_id in enumerate(rep_ids):
        t = i // TEAM_SIZE
        for w in range(20, -1, -1):
            week = this_week - timedelta(weeks=w)
            closed = week + timedelta(days=i % 5)
            if closed > DAY:
                continue
            share = 0.4 if breaker_team(t) and w in (1, 2) else 1.0
            deals.append(
                {
                    "external_id": f"d{i}-{w}",
                    "close_date": closed,
                    "amount": round(share * rng.uniform(0.8, 1.2) * WEEKLY_DEAL, -2),
                    "rep_id": rep_id,
                    "customer": f"c{i}-{w % 6}",
                    "segment": "fleet",
                    "product_line": "taxi",
                }
            )
    targets = []
    for t in range(teams):
        unit_id = 2 + t
        for kind, start, amount in (
            ("month", DAY.replace(day=1), MONTH_TARGET * (1.5 if behind_month(t) else 1)),
            ("week", this_week, WEEK_TARGET * (3 if behind_week(t) else 1)),
        ):
            targets.append(
                {
                    "metric": "revenue",
                    "owner_unit_id": unit_id,
                    "owner_key": f"unit:{unit_id}",
                    "period_kind": kind,
                    "period_start": start,
                    "amount": int(amount),
                    "status": "approved",
                }
            )
    async with sessions() as session:
        await bulk(session, User, users)
        await bulk(session, UserRole, roles)
        await session.execute(
            insert(NotificationSubscription),
            [
                {
                    "unit_id": 1,
                    "min_severity": "orange",
                    "channel": "webhook",
                    "destination": "https://hooks.example.com/pacer",
                    "created_by_user_id": 1,
                }
            ],
        )
        await bulk(session, Account, accounts)
        await bulk(session, Opportunity, opportunities)
        await bulk(session, StageTransition, transitions)
        await bulk(session, FollowUp, follow_ups)
        await bulk(session, Deal, deals)
        await bulk(session, Target, targets)
        await session.commit()


async def count(session, model) -> int:
    return await session.scalar(select(func.count()).select_from(model))


async def timed_run(sessions, settings, statements: list[int], label: str) -> None:
    """One evaluation of DAY and its commit: wall time, this process's CPU time (Python and,
    on SQLite, the database itself) and the statements sent."""
    async with sessions() as session:
        before = statements[0]
        started, cpu = time.perf_counter(), time.process_time()
        summary = await run_for_day(session, settings, DAY)
        await session.commit()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{label} run of {DAY}: {seconds:.2f} s (CPU here {cpu:.2f} s), "
        f"{statements[0] - before:,} statements, {summary.as_dict()}"
    )


async def main(reps: int, url: str | None) -> None:
    url = url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = db.create_engine(url)
    statements = [0]

    def counted(*_):
        statements[0] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", counted)
    started = time.perf_counter()
    await db.upgrade(engine)
    migrated = time.perf_counter() - started
    sessions = db.session_factory(engine)
    async with sessions() as session:
        if await count(session, Rep):
            raise SystemExit(f"{url} already holds data: give the benchmark an empty database")
    started = time.perf_counter()
    await populate(sessions, reps)
    if engine.dialect.name == "postgresql":  # as autovacuum would soon after a bulk load
        async with engine.begin() as connection:
            await connection.execute(text("ANALYZE"))
    populated = time.perf_counter() - started
    print(f"{engine.dialect.name}: migrations {migrated:.1f} s, data set {populated:.1f} s")
    async with sessions() as session:
        sizes = {model.__tablename__: await count(session, model) for model in COUNTED}
    print("rows: " + ", ".join(f"{name} {n:,}" for name, n in sizes.items()))

    settings = load_settings(database_url=url, kpi_minimums=MINIMUMS)
    await timed_run(sessions, settings, statements, "first")
    async with sessions() as session:
        raised = await session.execute(
            select(Alert.rule, Alert.severity, func.count())
            .group_by(Alert.rule, Alert.severity)
            .order_by(Alert.rule, Alert.severity)
        )
        for rule, severity, n in raised:
            print(f"  {rule:<16} {severity:<7} {n:>6,}")
        tasks = await session.execute(
            select(AlertTask.kind, func.count()).group_by(AlertTask.kind).order_by(AlertTask.kind)
        )
        print("  tasks: " + ", ".join(f"{kind} {n:,}" for kind, n in tasks))
        print(
            f"  diagnoses {await count(session, HealthDiagnosis):,}, outbox events "
            f"{await count(session, OutboxEvent):,}, deliveries {await count(session, Delivery):,}"
        )
    await timed_run(sessions, settings, statements, "second")
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5000)
    parser.add_argument("--database-url")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.reps, arguments.database_url))
