"""Acme (the `world` fixture) on Friday 20 November 2026, written so that each loop of the
daily run has something to act on — and something beside it that must not trip:

- Shanghai (r1 junior, r2 senior, r5 junior): 12 calls in the window, 3 with a value point
  (follow-up review); a lead qualified 8 days after it was created (joint diagnosis); the
  high-value customer Big Co asked once in September and once in October (service upgrade);
  a proposal sent to Big Co on Wednesday 10:00 and not answered (second touch), a whitepaper
  sent to Small Co on Friday 10:00 (only 14 working hours: no second touch); a November
  target never calibrated (calibration due); r2 scores 80 in objection handling, r1 40.
- Hangzhou (r3, and n1, n2 hired in June, first deals after 10 and 70 days: a spread of 30
  days — mentoring audit); a November target adjusted on the 16th (no calibration due).
- The KPI minimum is two touches a day, which nobody meets: every rep is orange by then."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from domain.alerts.loops.tasks import LoopConfig
from domain.capability.models import CapabilityScore
from domain.health.actions import DASHBOARD_LOOPS
from domain.org.models import Rep
from domain.pipeline.models import Account, FollowUp, Opportunity, StageTransition
from domain.targets.models import Deal, Target, TargetVersion
from tests.support.alerts import CALENDAR, CONFIG, ZONE
from tests.support.world import World

DAY = date(2026, 11, 20)
LOOPS = replace(CONFIG, loops=LoopConfig(extra=DASHBOARD_LOOPS))


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), ZONE)


class Loops:
    def __init__(self, world: World):
        self.world = world
        self.ids: dict[str, int] = {}

    async def build(self, session) -> None:
        w = self.world
        sh, hz = w.units["east.sh"], w.units["east.hz"]
        r5 = self._rep(session, "r5", sh, "junior", date(2024, 3, 1))
        n1 = self._rep(session, "n1", hz, "mid", date(2026, 6, 1))
        n2 = self._rep(session, "n2", hz, "mid", date(2026, 6, 1))
        await session.flush()
        self.ids.update(r5=r5.id, n1=n1.id, n2=n2.id)
        big = Account(
            name="Big Co",
            segment="government",
            high_value=True,
            owner_rep_id=w.reps["r1"],
            created_at=at(date(2026, 8, 1)),
        )
        small = Account(name="Small Co", segment="smb", owner_rep_id=w.reps["r2"])
        session.add_all([big, small])
        await session.flush()
        big_deal = await self._opportunity(session, big, "r1", "Big deal", 5_000_000, "proposal")
        small_deal = await self._opportunity(session, small, "r2", "Small deal", 1_000_000)
        slow = await self._opportunity(
            session, small, "r2", "Slow lead", 100_000, "qualified", date(2026, 11, 2)
        )
        session.add(
            StageTransition(
                opportunity_id=slow,
                from_stage="lead",
                to_stage="qualified",
                action="advance",
                at=at(date(2026, 11, 10)),
            )
        )
        calls = [d for d in _days(date(2026, 10, 26), date(2026, 11, 13)) if CALENDAR.is_working(d)]
        for n, day in enumerate(calls[:12]):
            value = ["roi_figure"] if n < 3 else []
            session.add(self._follow_up(small_deal, "r2", at(day, 9), "call", True, value))
        for day in (date(2026, 9, 15), date(2026, 10, 15)):
            session.add(self._follow_up(big_deal, "r1", at(day), "call", True, initiated=True))
        proposal = self._follow_up(big_deal, "r1", at(date(2026, 11, 18)), "proposal_sent", False)
        paper = self._follow_up(small_deal, "r2", at(DAY), "whitepaper_sent", False)
        session.add_all([proposal, paper])
        for rep, score in (("r1", 40.0), ("r2", 80.0)):
            session.add(
                CapabilityScore(
                    rep_id=w.reps[rep], dimension="objection_handling", computed_score=score
                )
            )
        for rep, first_deal in ((n1, date(2026, 6, 11)), (n2, date(2026, 8, 10))):
            session.add(
                Deal(
                    external_id=f"first-{rep.external_id}",
                    close_date=first_deal,
                    amount=50_000,
                    rep_id=rep.id,
                    customer="c",
                    segment="smb",
                    product_line="p",
                )
            )
        sh_target = self._target(session, sh, 2_100_000)
        hz_target = self._target(session, hz, 900_000)
        await session.flush()
        session.add(
            TargetVersion(
                target_id=hz_target.id,
                version=2,
                action="adjust",
                at=at(date(2026, 11, 16)),
                reason="calibrated",
                old_amount=1_000_000,
                new_amount=900_000,
                old_status="approved",
                new_status="approved",
            )
        )
        await session.flush()
        self.ids.update(
            big_deal=big_deal,
            small_deal=small_deal,
            proposal=proposal.id,
            paper=paper.id,
            sh_target=sh_target.id,
            hz_target=hz_target.id,
            big=big.id,
        )

    def _rep(self, session, external_id: str, unit_id: int, level: str, hired: date) -> Rep:
        rep = Rep(
            external_id=external_id,
            name=f"Rep {external_id}",
            unit_id=unit_id,
            level=level,
            hire_date=hired,
            capacity=10,
        )
        session.add(rep)
        return rep

    async def _opportunity(
        self, session, account, rep, title, amount, stage="contacted", created=date(2026, 8, 3)
    ) -> int:
        opportunity = Opportunity(
            account_id=account.id,
            owner_rep_id=self.world.reps[rep],
            title=title,
            amount=amount,
            expected_close=date(2026, 12, 31),
            stage=stage,
            created_at=at(created),
        )
        session.add(opportunity)
        await session.flush()
        session.add(
            StageTransition(
                opportunity_id=opportunity.id,
                from_stage=None,
                to_stage="lead",
                action="create",
                at=at(created),
            )
        )
        return opportunity.id

    def _follow_up(self, opportunity_id, rep, moment, kind, responded, value=(), initiated=False):
        return FollowUp(
            opportunity_id=opportunity_id,
            rep_id=self.world.reps[rep],
            type=kind,
            occurred_at=moment,
            customer_status="engaged",
            customer_responded=responded,
            customer_initiated=initiated,
            value_points=list(value),
        )

    def _target(self, session, unit_id: int, amount: int) -> Target:
        target = Target(
            metric="revenue",
            owner_unit_id=unit_id,
            owner_key=f"unit:{unit_id}",
            period_kind="month",
            period_start=date(2026, 11, 1),
            amount=amount,
            status="approved",
        )
        session.add(target)
        return target


def _days(start: date, end: date):
    while start <= end:
        yield start
        start += timedelta(days=1)


async def build_loops(sessions, world: World) -> Loops:
    loops = Loops(world)
    async with sessions() as session:
        await loops.build(session)
        await session.commit()
    return loops
