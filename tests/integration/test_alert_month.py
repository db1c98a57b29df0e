"""A month of data, evaluated day by day: the exact sequence of alerts raised, escalated and
resolved, each rule's tasks and the circuit breaker's diagnosis; reruns change nothing;
a series resolved by hand stays resolved while its condition continues; two evaluators at
once create each alert once."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from domain.alerts import evaluate
from domain.alerts.models import Alert, AlertEvent, AlertTask, HealthDiagnosis
from domain.alerts.rules import Thresholds
from domain.alerts.signals import Config
from domain.kernel.time import as_utc
from domain.notifications.models import OutboxEvent
from domain.org.models import Rep
from domain.pipeline.models import Account, FollowUp, Opportunity, StageTransition
from domain.targets.models import Deal, Target
from domain.targets.periods import WorkingCalendar

ZONE = ZoneInfo("Asia/Shanghai")
CALENDAR = WorkingCalendar("CN")
EASY = {"touches": 2, "needs_confirmed": 0, "proposals_sent": 0, "demos_booked": 0}
CONFIG = Config(
    Thresholds(), "Asia/Shanghai", {level: EASY for level in ("junior", "mid", "senior")}
)
R1_MISSES = {
    date(2026, 11, 4),
    date(2026, 11, 5),
    date(2026, 11, 6),
    date(2026, 11, 19),
    date(2026, 11, 20),
}


def at(day: date, hour: int = 10) -> datetime:
    return as_utc(datetime.combine(day, time(hour), ZONE))


def days(start: date, end: date):
    while start <= end:
        yield start
        start += timedelta(days=1)


class Month:
    """November 2026 for Acme (the `world` fixture), with history from the summer."""

    def __init__(self, world):
        self.world = world
        self.ids: dict[str, int] = {}

    async def build(self, session) -> None:
        w = self.world
        key = Account(
            name="Key Co", segment="government", high_value=True, owner_rep_id=w.reps["r2"]
        )
        plain = Account(name="Plain Co", segment="smb", owner_rep_id=w.reps["r1"])
        session.add_all([key, plain])
        await session.flush()
        self.ids["key_opportunity"] = await self._opportunity(session, key, "r2", "Fleet renewal")
        work = {r: await self._opportunity(session, plain, r, f"Work {r}") for r in w.reps}
        for day in days(date(2026, 9, 1), date(2026, 11, 30)):
            if not CALENDAR.is_working(day):
                continue
            for rep, opportunity_id in work.items():
                calls = 1 if rep == "r1" and day in R1_MISSES else 2
                for n in range(calls):
                    session.add(self._follow_up(opportunity_id, rep, at(day, 10 + n), False))
        # The key customer answers on 3 November, then not until the 16th.
        for day in (date(2026, 10, 28), date(2026, 11, 3), date(2026, 11, 16)):
            session.add(self._follow_up(self.ids["key_opportunity"], "r2", at(day), True))
        # Shanghai's November target: 2,100,000 over 21 working days.
        self.ids["sh_month"] = self._target(
            session, "east.sh", "month", date(2026, 11, 1), 2_100_000
        )
        for day in days(date(2026, 11, 2), date(2026, 11, 6)):
            self._deal(session, "r1", day, 100_000)
        self._deal(session, "r2", date(2026, 11, 13), 500_000)
        for day in days(date(2026, 11, 16), date(2026, 11, 30)):
            if CALENDAR.is_working(day):
                self._deal(session, "r2", day, 100_000)
        # Hangzhou's week of the 16th: 500,000; 50,000 by Wednesday, 250,000 by Thursday.
        self.ids["hz_week"] = self._target(session, "east.hz", "week", date(2026, 11, 16), 500_000)
        self._deal(session, "r3", date(2026, 11, 16), 50_000)
        self._deal(session, "r3", date(2026, 11, 19), 200_000)
        # Chengdu: 100,000 every Wednesday since July; 50,000 in the weeks of 2 and 9 November.
        for day in days(date(2026, 7, 1), date(2026, 10, 31)):
            if day.weekday() == 2:
                self._deal(session, "r4", day, 100_000)
        self._deal(session, "r4", date(2026, 11, 4), 50_000)
        self._deal(session, "r4", date(2026, 11, 11), 50_000)
        self._deal(session, "r4", date(2026, 11, 17), 200_000)
        await session.flush()

    async def _opportunity(self, session, account, rep: str, title: str) -> int:
        opportunity = Opportunity(
            account_id=account.id,
            owner_rep_id=self.world.reps[rep],
            title=title,
            amount=1_000_000,
            expected_close=date(2026, 12, 31),
            stage="contacted",
            created_at=at(date(2026, 8, 3)),
        )
        session.add(opportunity)
        await session.flush()
        for from_stage, to_stage in ((None, "lead"), ("lead", "contacted")):
            session.add(
                StageTransition(
                    opportunity_id=opportunity.id,
                    from_stage=from_stage,
                    to_stage=to_stage,
                    action="create" if from_stage is None else "advance",
                    at=at(date(2026, 8, 3)),
                )
            )
        return opportunity.id

    def _follow_up(self, opportunity_id: int, rep: str, moment: datetime, responded: bool):
        return FollowUp(
            opportunity_id=opportunity_id,
            rep_id=self.world.reps[rep],
            type="call",
            occurred_at=moment,
            customer_status="engaged",
            customer_responded=responded,
        )

    def _target(self, session, unit: str, kind: str, start: date, amount: int) -> Target:
        unit_id = self.world.units[unit]
        target = Target(
            metric="revenue",
            owner_unit_id=unit_id,
            owner_key=f"unit:{unit_id}",
            period_kind=kind,
            period_start=start,
            amount=amount,
            status="approved",
        )
        session.add(target)
        return target  # replaced by its id once committed (see the fixture)

    def _deal(self, session, rep: str, day: date, amount: int) -> None:
        self.ids.setdefault("deals", 0)
        self.ids["deals"] += 1
        session.add(
            Deal(
                external_id=f"d{self.ids['deals']}",
                close_date=day,
                amount=amount,
                rep_id=self.world.reps[rep],
                customer=f"c{self.ids['deals']}",
                segment="smb",
                product_line="p",
            )
        )


@pytest.fixture
async def month(sessions, world):
    scenario = Month(world)
    async with sessions() as session:
        await scenario.build(session)
        scenario.ids = {k: (v.id if isinstance(v, Target) else v) for k, v in scenario.ids.items()}
        await session.commit()
    return scenario


async def run_day(sessions, day: date, config: Config = CONFIG):
    async with sessions() as session:
        summary = await evaluate.run_alerts(session, day=day, calendar=CALENDAR, config=config)
        await session.commit()
    return summary


async def history(sessions, world, month) -> list[tuple]:
    names = {
        f"rep:{world.reps['r1']}": "r1",
        f"target:{month.ids['sh_month']}": "sh month",
        f"target:{month.ids['hz_week']}": "hz week",
        f"unit:{world.units['west']}": "west",
        f"unit:{world.units['west.cd']}": "west.cd",
        f"opportunity:{month.ids['key_opportunity']}": "key opportunity",
    }
    async with sessions() as session:
        rows = await session.execute(
            select(
                AlertEvent.day, Alert.rule, Alert.subject_key, AlertEvent.kind, AlertEvent.severity
            )
            .join(Alert, Alert.id == AlertEvent.alert_id)
            .order_by(AlertEvent.id)
        )
        return [
            (d.isoformat(), rule, names.get(key, key), kind, sev)
            for d, rule, key, kind, sev in rows
        ]


EXPECTED = [
    ("2026-11-05", "kpi_miss", "r1", "raised", "yellow"),
    ("2026-11-06", "kpi_miss", "r1", "escalated", "orange"),
    ("2026-11-09", "kpi_miss", "r1", "resolved", "orange"),
    ("2026-11-10", "stale_key", "key opportunity", "raised", "orange"),
    ("2026-11-12", "pace", "sh month", "raised", "orange"),
    ("2026-11-13", "pace", "sh month", "resolved", "orange"),
    ("2026-11-16", "circuit_breaker", "west", "raised", "red"),
    ("2026-11-16", "circuit_breaker", "west.cd", "raised", "red"),
    ("2026-11-16", "stale_key", "key opportunity", "resolved", "orange"),
    ("2026-11-18", "week_to_date", "hz week", "raised", "red"),
    ("2026-11-19", "week_to_date", "hz week", "resolved", "red"),
    ("2026-11-20", "kpi_miss", "r1", "raised", "yellow"),
    # Silent again since the 16th: a new series for the same opportunity.
    ("2026-11-23", "stale_key", "key opportunity", "raised", "orange"),
    ("2026-11-23", "circuit_breaker", "west", "resolved", "red"),
    ("2026-11-23", "circuit_breaker", "west.cd", "resolved", "red"),
    ("2026-11-23", "kpi_miss", "r1", "resolved", "yellow"),
]


async def count(sessions, model) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_a_month_day_by_day(sessions, world, month):
    for day in days(date(2026, 11, 2), date(2026, 11, 27)):
        await run_day(sessions, day)
    assert await history(sessions, world, month) == EXPECTED
    async with sessions() as session:
        tasks = sorted(
            (t.kind, t.due_on.isoformat()) for t in await session.scalars(select(AlertTask))
        )
        diagnoses = list(await session.scalars(select(HealthDiagnosis)))
        resolved = await session.scalar(
            select(Alert.resolution_reason).where(Alert.rule == "kpi_miss").order_by(Alert.id)
        )
        manager_of_sh = await session.scalar(
            select(Alert.assignee_user_id).where(Alert.rule == "pace")
        )
    # 1:1s for the orange KPI series and the stale key opportunity, due two working days on;
    # a review for the red week; a root-cause meeting per circuit breaker.
    assert tasks == [
        ("one_on_one", "2026-11-10"),
        ("one_on_one", "2026-11-12"),
        ("one_on_one", "2026-11-25"),
        ("review_meeting", "2026-11-20"),
        ("root_cause_meeting", "2026-11-18"),
        ("root_cause_meeting", "2026-11-18"),
    ]
    assert "met on 2026-11-09" in resolved
    assert manager_of_sh == world.users["manager"]
    assert {d.week_start for d in diagnoses} == {date(2026, 11, 9)}
    cd = next(d for d in diagnoses if d.unit_id == world.units["west.cd"])
    assert cd.findings["weeks"] == ["2026-11-02", "2026-11-09"]
    assert set(cd.findings) >= {"gap_reasons", "kpi_misses", "funnel", "stale_key_opportunities"}


async def test_running_a_day_again_changes_nothing(sessions, world, month):
    for day in days(date(2026, 11, 2), date(2026, 11, 6)):
        await run_day(sessions, day)
    before = [await count(sessions, m) for m in (Alert, AlertEvent, AlertTask, OutboxEvent)]
    summary = await run_day(sessions, date(2026, 11, 6))
    assert summary.as_dict() == {
        "raised": 0,
        "escalated": 0,
        "resolved": 0,
        "tasks": 0,
        "diagnoses": 0,
    }
    assert [await count(sessions, m) for m in (Alert, AlertEvent, AlertTask, OutboxEvent)] == before


async def test_a_series_resolved_by_hand_stays_resolved_while_its_condition_continues(
    sessions, world, month
):
    from domain.alerts import service
    from domain.org.access import actor_for
    from domain.org.models import User

    for day in days(date(2026, 11, 2), date(2026, 11, 5)):
        await run_day(sessions, day)
    async with sessions() as session:
        alert = await session.scalar(select(Alert).where(Alert.rule == "kpi_miss"))
        manager = await actor_for(session, await session.get(User, world.users["manager"]))
        await service.resolve_alert(
            session, manager, alert_id=alert.id, reason="on leave", today=date(2026, 11, 5)
        )
        await session.commit()
    await run_day(sessions, date(2026, 11, 6))  # still missing: not raised again
    assert await count(sessions, Alert) == 1
    await run_day(sessions, date(2026, 11, 9))  # hit: the condition breaks
    for day in days(date(2026, 11, 10), date(2026, 11, 20)):
        await run_day(sessions, day)
    async with sessions() as session:
        kpi = list(await session.scalars(select(Alert).where(Alert.rule == "kpi_miss")))
    assert [(a.raised_on.isoformat(), a.status) for a in kpi] == [
        ("2026-11-05", "resolved"),
        ("2026-11-20", "open"),
    ]


async def test_two_evaluators_at_once_create_each_alert_once(sessions, world, month):
    for day in days(date(2026, 11, 2), date(2026, 11, 5)):
        await run_day(sessions, day)
    await asyncio.gather(*(run_day(sessions, date(2026, 11, 6)) for _ in range(3)))
    assert await history(sessions, world, month) == EXPECTED[:2]
    async with sessions() as session:
        rep = await session.get(Rep, world.reps["r1"])
        assert rep is not None


async def test_alerts_and_tasks_write_outbox_rows(sessions, world, month):
    for day in days(date(2026, 11, 2), date(2026, 11, 6)):
        await run_day(sessions, day)
    async with sessions() as session:
        kinds = [
            e.kind for e in await session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))
        ]
        payload = await session.scalar(
            select(OutboxEvent.payload).where(OutboxEvent.kind == "task.created")
        )
    assert kinds == ["alert.raised", "alert.escalated", "task.created"]
    assert payload["task"]["kind"] == "one_on_one"
    assert payload["alert"]["title"]["en"].startswith("Rep r1 missed KPIs 3 working days")


async def test_without_follow_ups_every_rep_misses_kpis(sessions, world):
    summary = await run_day(sessions, date(2026, 11, 20))
    assert summary.counts["raised"] == len(world.reps)
    async with sessions() as session:
        rules = set(await session.scalars(select(Alert.rule)))
    assert rules == {"kpi_miss"}


async def test_key_account_marked_later_is_watched(sessions, world, month):
    async with sessions() as session:
        await session.execute(Account.__table__.update().values(high_value=False))
        await session.commit()
    for day in days(date(2026, 11, 9), date(2026, 11, 11)):
        await run_day(sessions, day)
    async with sessions() as session:
        rules = set(await session.scalars(select(Alert.rule)))
    assert "stale_key" not in rules
