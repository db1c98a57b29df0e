"""The simulation's policy strategy through the real service path (`sim_routing.py --service`).

A fresh SQLite database (migrated by alembic) holds the market: one org unit per team of 20,
the founding reps (territory "city", capacity 10), and their closed history as won and lost
opportunities. Every lead is taken in by `coaching.routing.service.intake_lead` (one at a time,
committed) or `intake_leads` (a bulk import of 1,000, assigned together by the solver), so the
router's own per-process candidate pool reads the reps, the load, the recent assignments and
the decayed outcomes from the database as in production. A lead's outcome is recorded as a
rep records it, through `domain.pipeline.service`: a won deal advances stage by stage with its
qualification data to negotiation and is won; a lost one is lost for "price". Hires are
inserted on their first day; leave sets `Rep.status`. The clock every service reads
(`domain.db.utcnow`, imported by name) is the simulation's: day d is START + d days.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert

import domain.db
from coaching.routing.service import Router, intake_lead, intake_leads
from domain import db
from domain.leads.rules import Contact, IntakeItem
from domain.org.models import OrgUnit, Rep, RepTerritory
from domain.pipeline import service as pipeline
from domain.pipeline.models import Account, Opportunity
from domain.settings import load_settings
from tests.support.world import BOOTSTRAP

START = datetime(2026, 1, 5, tzinfo=UTC)
QUALIFICATION = {
    "budget_range": {"min": 1, "max": 2},
    "decision_maker": "buyer",
    "need": "a fleet of ten vehicles",
    "timeline": "2026-12-31",
    "decision_chain": ["buyer"],
}
ADVANCES = 5  # lead → contacted → qualified → proposal → quoted → negotiation
REAL_UTCNOW = domain.db.utcnow


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def at(self, day: int, seconds: int = 0) -> None:
        self.now = START + timedelta(days=day, seconds=seconds)

    def install(self) -> None:
        """Every loaded module's `utcnow` (imported by name from domain.db) reads this clock."""
        for module in list(sys.modules.values()):
            if getattr(module, "utcnow", None) is REAL_UTCNOW:
                module.utcnow = self  # type: ignore[attr-defined]


class ServiceRouter:
    """Routes the policy strategy's leads through the service and records their outcomes."""

    def __init__(self, market, policy, sources: list[str], team: int, capacity: int):
        self.market, self.sources, self.team_size, self.capacity = market, sources, team, capacity
        self.folder = tempfile.TemporaryDirectory()
        self.loop = asyncio.new_event_loop()
        self.engine = db.create_engine(f"sqlite+aiosqlite:///{self.folder.name}/sim.db")
        self.sessions = db.session_factory(self.engine)
        self.router = replace(Router.of(load_settings()), policy=policy)
        self.clock = Clock()
        self.closing: dict[int, list[tuple[int, bool]]] = defaultdict(list)
        self.status = market.status(0)
        self.numbers = 0
        self.loop.run_until_complete(db.upgrade(self.engine))
        self.clock.install()

    def run(self, coroutine):
        return self.loop.run_until_complete(coroutine)

    def close(self) -> None:
        self.run(self.engine.dispose())
        self.loop.close()
        self.folder.cleanup()

    # --- the market as rows ---------------------------------------------------------------

    def seed(self, history: list[tuple[int, int, int, int, bool]]) -> None:
        """The founders and the deals they closed before day 0 (day, rep, seg, src, won)."""
        self.run(self._seed(history))

    async def _seed(self, history) -> None:
        teams = len(self.market.start_day) // self.team_size + 1
        async with self.sessions() as session:
            company = {"id": 1, "code": "co", "name": "Co", "kind": "company", "path": "/1/"}
            await session.execute(insert(OrgUnit), [company | {"parent_id": None, "depth": 0}])
            await session.execute(
                insert(OrgUnit),
                [
                    {"id": 100 + t, "code": f"team{t}", "name": f"Team {t}", "kind": "team",
                     "parent_id": 1, "path": f"/1/{100 + t}/", "depth": 1}
                    for t in range(teams)
                ],
            )  # fmt: skip
            founders = [int(r) for r in range(len(self.status)) if self.status[r] != 2]
            await session.execute(insert(Rep), [self._rep(r) for r in founders])
            await session.execute(
                insert(RepTerritory), [{"rep_id": r + 1, "territory": "city"} for r in founders]
            )
            segments = self.market.segments
            accounts = [
                {"id": r * len(segments) + s + 1, "name": f"a{r}-{s}", "segment": segments[s],
                 "region": "city", "owner_rep_id": r + 1}
                for r in founders for s in range(len(segments))
            ]  # fmt: skip
            await session.execute(insert(Account), accounts)
            rows = []
            for day, rep, seg, src, won in history:
                day, rep, seg, src = int(day), int(rep), int(seg), int(src)
                at = START + timedelta(days=day)
                rows.append(
                    {"account_id": rep * len(segments) + seg + 1, "owner_rep_id": rep + 1,
                     "title": "history", "amount": 100_00, "expected_close": at.date(),
                     "qualification": {}, "stage": "won" if won else "lost",
                     "stage_entered_at": at, "source_lead": self.sources[src],
                     "won_amount": 100_00 if won else None, "won_on": at.date() if won else None,
                     "loss_reason_code": None if won else "price"}
                )  # fmt: skip
            await session.execute(insert(Opportunity), rows)
            await session.commit()

    def _rep(self, rep: int) -> dict:
        return {
            "id": rep + 1,
            "external_id": f"r{rep + 1}",
            "name": f"Rep {rep + 1}",
            "unit_id": 100 + rep // self.team_size,
            "level": "mid",
            "hire_date": date(2024, 1, 1),
            "capacity": self.capacity,
            "status": "active",
        }

    # --- a day ----------------------------------------------------------------------------

    def start_day(self, day: int) -> None:
        """The day's outcomes, then hires and leave, each committed as its own action."""
        self.clock.install()
        self.clock.at(day)
        self.run(self._close(day, self.closing.pop(day, [])))
        status = self.market.status(day)
        self.run(self._roster(status))
        self.status = status

    async def _close(self, day: int, outcomes: list[tuple[int, bool]]) -> None:
        today = (START + timedelta(days=day)).date()
        for opportunity_id, won in outcomes:
            async with self.sessions() as session:
                deal = await session.get(Opportunity, opportunity_id)
                if won:
                    deal.qualification = QUALIFICATION
                    await session.flush()  # a new version
                    for _ in range(ADVANCES):
                        deal = await pipeline.advance(
                            session, BOOTSTRAP, opportunity_id=deal.id,
                            expected_version=deal.version, to_stage=None,
                            gates=self.router.gates,
                        )  # fmt: skip
                    await pipeline.win(
                        session, BOOTSTRAP, opportunity_id=deal.id,
                        expected_version=deal.version, signed_amount=100_00, signed_on=today,
                        today=today,
                    )  # fmt: skip
                else:
                    await pipeline.lose(
                        session, BOOTSTRAP, opportunity_id=deal.id,
                        expected_version=deal.version, reason_code="price", note=None,
                    )  # fmt: skip
                await session.commit()

    async def _roster(self, status) -> None:
        changed = [r for r in range(len(status)) if status[r] != self.status[r]]
        if not changed:
            return
        async with self.sessions() as session:
            for r in changed:
                if self.status[r] == 2:  # hired today
                    session.add(Rep(**self._rep(r)))
                    await session.flush()
                    session.add(RepTerritory(rep_id=r + 1, territory="city"))
                else:
                    rep = await session.get(Rep, r + 1)
                    rep.status = "on_leave" if status[r] == 1 else "active"
            await session.commit()

    def item(self, lead: tuple[int, int]) -> IntakeItem:
        self.numbers += 1
        return IntakeItem(
            external_id=f"sim-{self.numbers}",
            source=self.sources[lead[1]],
            segment=self.market.segments[lead[0]],
            region="city",
            contact=Contact(phone="+86 138 0000 0000"),
        )

    def route_day(self, state, day, kind, leads, rates) -> None:
        if not leads:
            return
        if kind == "bulk":
            self.clock.at(day, 30)
            routed = self.run(self._intake_all([self.item(lead) for lead in leads]))
        else:
            routed = []
            for k, lead in enumerate(leads):
                self.clock.at(day, 60 + k)
                routed.append(self.run(self._intake(self.item(lead))))
        for lead, (rep_id, opportunity_id) in zip(leads, routed, strict=True):
            rep = None if rep_id is None else rep_id - 1
            outcome = state.give(day, lead, rep, rates)
            if outcome is not None and opportunity_id is not None:
                close_day, won = outcome
                self.closing[close_day].append((opportunity_id, won))

    async def _intake(self, item: IntakeItem) -> tuple[int | None, int | None]:
        async with self.sessions() as session:
            routed = await intake_lead(session, BOOTSTRAP, self.router, item)
            result = (routed.lead.owner_rep_id, routed.lead.opportunity_id)
            await session.commit()
        return result

    async def _intake_all(self, items: list[IntakeItem]) -> list[tuple[int | None, int | None]]:
        async with self.sessions() as session:
            routed = await intake_leads(session, BOOTSTRAP, self.router, items)
            result = [(r.lead.owner_rep_id, r.lead.opportunity_id) for r in routed]
            await session.commit()
        return result
