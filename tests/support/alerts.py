"""November 2026 for Acme, with history from the summer: the rows the alert rules read, one
day's evaluation, and the exact sequence of alert events the month gives (EXPECTED)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from domain.alerts import evaluate
from domain.alerts.models import Alert, AlertEvent
from domain.alerts.rules import Thresholds
from domain.alerts.signals import Config
from domain.kernel.time import as_utc
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


async def build_month(sessions, world) -> Month:
    """The month's rows written; `ids` holds the row ids of what the tests name."""
    month = Month(world)
    async with sessions() as session:
        await month.build(session)
        await session.commit()
    month.ids = {k: getattr(v, "id", v) for k, v in month.ids.items()}
    return month


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
