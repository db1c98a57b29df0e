"""The demo company's working weeks: every rep's logged follow-ups, newly qualified leads,
proposals and booked demos over the last four weeks and this one, shaped by the story that
domain/alerts/demo.py tells (who slips, who recovers, whose key customer falls silent)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, insert, select

from domain.alerts.demo_plan import (
    ACTIVITY_WEEKS,
    BATCH,
    CITY_NAMES,
    INQUIRY_SHARE,
    LEAD_ACCOUNTS,
    LEAD_KINDS,
    MISS_SHARE,
    PROPOSAL_SHARE,
    RECOVERED,
    RESPONSE_SHARE,
    SILENT_DAYS,
    SILENT_OWNER,
    SLIPPING,
    SLUMP_MISS_SHARE,
    SLUMP_VALUE_SHARE,
    TOUCH_TYPES,
    TRADE_NAME,
    VALUE_SHARE,
    VEHICLE,
    ActivitySummary,
    day_counts,
    day_plan,
)
from domain.alerts.signals import Config
from domain.kernel.time import as_utc
from domain.org.demo import WEAK_TEAM
from domain.org.models import OrgUnit, Rep
from domain.pipeline.demo import ACCOUNT_NAMES, QUALIFICATION, SOURCES, STATUSES
from domain.pipeline.kpis import KPIS
from domain.pipeline.models import Account, FollowUp, Opportunity, StageTransition, ValuePoint
from domain.pipeline.stages import Stage
from domain.targets.periods import WorkingCalendar


@dataclass
class _Deal:
    """An opportunity the day's follow-ups can go to: open from `opened` until `closed`."""

    id: int | None
    rep_id: int
    opened: datetime
    closed: datetime | None
    key: bool = False
    qualified: datetime | None = None  # None: a pipeline deal, past that long ago
    last_response: datetime | None = None
    row: dict[str, Any] = field(default_factory=dict)
    moves: list[dict[str, Any]] = field(default_factory=list)

    def open_at(self, at: datetime) -> bool:
        return self.opened <= at and (self.closed is None or at < self.closed)

    def qualified_at(self, at: datetime) -> bool:
        return self.open_at(at) and (self.qualified is None or self.qualified <= at)


class Activity:
    """Builds the rows in memory, then writes them in a few bulk statements."""

    def __init__(self, session, config: Config, calendar: WorkingCalendar, rng, today: date):
        self.session, self.config, self.rng, self.today = session, config, rng, today
        self.calendar = calendar
        self.zone = ZoneInfo(config.timezone)
        this_week = today - timedelta(days=today.weekday())
        self.start = this_week - timedelta(weeks=ACTIVITY_WEEKS)
        self.slump_from = this_week - timedelta(weeks=2)
        self.all_days = [
            self.start + timedelta(days=n) for n in range((today - self.start).days + 1)
        ]
        self.working = [d for d in self.all_days if calendar.is_working(d)]
        self.follow_ups: list[dict[str, Any]] = []
        self.leads: list[_Deal] = []

    async def run(self) -> ActivitySummary:
        rows = await self.session.execute(
            select(Rep, OrgUnit.code).join(OrgUnit, OrgUnit.id == Rep.unit_id).order_by(Rep.id)
        )
        reps = [(rep, code) for rep, code in rows if rep.status == "active"]
        pipeline = await self._pipeline()
        silent = await self._silent_key_customer(reps)
        for rep, code in reps:
            accounts = await self._lead_accounts(rep)
            deals = [d for d in pipeline if d.rep_id == rep.id]
            self._rep(rep, code == WEAK_TEAM, accounts, deals, silent)
        await self._write()
        return ActivitySummary(len(reps), len(self.working), len(self.follow_ups), len(self.leads))

    async def _pipeline(self) -> list[_Deal]:
        rows = await self.session.execute(
            select(Opportunity, Account.high_value)
            .join(Account, Account.id == Opportunity.account_id)
            .order_by(Opportunity.id)
        )
        deals = []
        for opportunity, key in rows:
            closed = None if Stage(opportunity.stage).is_open else opportunity.stage_entered_at
            deals.append(
                _Deal(
                    opportunity.id,
                    opportunity.owner_rep_id,
                    as_utc(opportunity.created_at),
                    as_utc(closed),
                    key=bool(key),
                )
            )
        return deals

    async def _lead_accounts(self, rep: Rep) -> list[int]:
        segments = [s.segment for s in rep.specialties] or ["private_buyer"]
        created = at_hour(self.start - timedelta(days=self.rng.randint(30, 300)), 10, self.zone)
        accounts = [
            Account(
                name=_company(self.rng, rep),
                segment=self.rng.choice(segments),
                owner_rep_id=rep.id,
                created_at=created,
            )
            for _ in range(LEAD_ACCOUNTS)
        ]
        self.session.add_all(accounts)
        await self.session.flush()
        return [account.id for account in accounts]

    def _rep(self, rep: Rep, weak: bool, accounts, deals: list[_Deal], silent) -> None:
        rng = self.rng
        days = [d for d in self.working if d >= rep.hire_date]
        recovered = days[-6:-4] if rep.external_id == RECOVERED and len(days) >= 7 else []

        def share(day: date) -> float:
            return SLUMP_MISS_SHARE if weak and day >= self.slump_from else MISS_SHARE

        plan = day_plan(days, rng, share, SLIPPING.get(rep.external_id, 0), recovered)
        minimums = dict(self.config.minimums[rep.level])
        own_leads: list[_Deal] = []
        silent_deal = silent if silent is not None and silent.rep_id == rep.id else None
        unanswered_since = self.today - timedelta(days=SILENT_DAYS)
        for day in self.all_days:
            if day < rep.hire_date:
                continue
            if day not in plan:  # a day off: a key customer may still write
                self._inquiries(deals, day)
                continue
            counts = day_counts(plan[day], minimums, rng)
            slump = weak and day >= self.slump_from
            new = [
                self._lead(rep, day, rng.choice(accounts), slump)
                for _ in range(counts["needs_confirmed"])
            ]
            own_leads += new
            moments = self._moments(day, sum(counts[k] for k in KPIS if k != "needs_confirmed"))
            value_share = SLUMP_VALUE_SHARE if slump else VALUE_SHARE
            touches = counts["touches"]
            if silent_deal is not None and day > unanswered_since and touches and day.day % 2:
                self._follow_up(silent_deal, "call", moments.pop(), value_share, answered=False)
                touches -= 1
            # Each open deal of the pipeline first, then the latest leads; a day's entries are
            # never dropped (a new rep's first morning goes to the day's new leads).
            fallback = _first(new) or _first(deals)
            for n in range(touches):
                at = moments.pop()
                open_pipeline = [d for d in deals if d.open_at(at)]
                target = (
                    open_pipeline[n]
                    if n < len(open_pipeline)
                    else self._pick(own_leads, at, _Deal.open_at) or _first(open_pipeline)
                ) or fallback
                if target is not None:
                    self._follow_up(target, rng.choice(TOUCH_TYPES), at, value_share)
            kinds = ["proposal_sent"] * counts["proposals_sent"]
            for kind in kinds + ["demo_booked"] * counts["demos_booked"]:
                at = moments.pop()
                target = (
                    self._pick(own_leads, at, _Deal.qualified_at)
                    or self._pick(deals, at, _Deal.open_at)
                    or fallback
                )
                if target is not None:
                    self._follow_up(target, kind, at, value_share)
            if plan[day] == "quiet":  # the rep hardly calls; a key customer may still write
                self._inquiries(deals, day)

    def _moments(self, day: date, count: int) -> list[datetime]:
        """`count` moments of the working day, latest first (they are popped)."""
        minutes = sorted(self.rng.randint(0, 9 * 60) for _ in range(count))
        start = datetime.combine(day, time(9), self.zone)
        return [as_utc(start + timedelta(minutes=m)) for m in reversed(minutes)]

    def _pick(self, deals: list[_Deal], at: datetime, usable) -> _Deal | None:
        """One of the rep's latest deals usable at `at`."""
        recent = [d for d in deals[-40:] if usable(d, at)]
        return self.rng.choice(recent) if recent else None

    def _follow_up(self, deal: _Deal, kind: str, at: datetime, value_share, answered=None):
        rng = self.rng
        inquiry = deal.key and kind in ("call", "instant_message") and rng.random() < INQUIRY_SHARE
        responded = answered if answered is not None else deal.key or rng.random() < RESPONSE_SHARE
        if responded:
            deal.last_response = at
        self.follow_ups.append(
            {
                "opportunity": deal,
                "rep_id": deal.rep_id,
                "type": "instant_message" if inquiry else kind,
                "occurred_at": at,
                "logged_at": at + timedelta(minutes=rng.randint(5, 180)),
                "customer_status": rng.choice(STATUSES) if responded else "engaged",
                "customer_responded": responded,
                "customer_initiated": inquiry,
                "value_points": (
                    [rng.choice(list(ValuePoint)).value] if rng.random() < value_share else []
                ),
            }
        )

    def _inquiries(self, deals: list[_Deal], day: date) -> None:
        """A key customer not heard from for four days sends a message (the rep logs it)."""
        at = at_hour(day, self.rng.randint(10, 20), self.zone)
        for deal in deals:
            quiet_since = deal.last_response or deal.opened
            if deal.key and deal.open_at(at) and at - quiet_since >= timedelta(days=4):
                self.follow_ups.append(
                    {
                        "opportunity": deal,
                        "rep_id": deal.rep_id,
                        "type": "instant_message",
                        "occurred_at": at,
                        "logged_at": at + timedelta(minutes=self.rng.randint(5, 600)),
                        "customer_status": "engaged",
                        "customer_responded": True,
                        "customer_initiated": True,
                        "value_points": [],
                    }
                )
                deal.last_response = at

    def _lead(self, rep: Rep, day: date, account_id: int, slump: bool) -> _Deal:
        """A small lead (a vehicle or two) qualified — needs confirmed — on `day`, created and
        contacted a few days before; since then sent on to a proposal, or still qualified.
        None is closed: deal quality (domain/capability/deals.py) reads the pipeline's deals."""
        rng = self.rng
        lag = rng.choice([0, 1, 1, 2, 2, 3, 4, 6] if not slump else [2, 3, 4, 5, 6, 8])
        created_on = max(day - timedelta(days=lag), rep.hire_date)
        created = at_hour(created_on, rng.randint(9, 12), self.zone, rng.randint(0, 59))
        qualified = max(
            at_hour(day, rng.randint(10, 17), self.zone, rng.randint(0, 59)),
            created + timedelta(hours=2),
        )
        contacted = created + (qualified - created) * rng.uniform(0.2, 0.8)
        moves = [(None, "lead", "create", created), ("lead", "contacted", "advance", contacted)]
        moves.append(("contacted", "qualified", "advance", qualified))
        later = day + timedelta(days=rng.randint(3, 21))
        if later < self.today and rng.random() < PROPOSAL_SHARE:
            moves.append(("qualified", "proposal", "advance", at_hour(later, 15, self.zone)))
        vehicles = rng.randint(1, 2)
        deal = _Deal(None, rep.id, created, None, qualified=qualified)
        deal.row = {
            "account_id": account_id,
            "owner_rep_id": rep.id,
            "title": f"{vehicles} 辆{rng.choice(LEAD_KINDS)}",
            "amount": vehicles * VEHICLE,
            "expected_close": day + timedelta(days=rng.randint(30, 90)),
            "stage": moves[-1][1],
            "stage_entered_at": moves[-1][3],
            "qualification": dict(QUALIFICATION),
            "source_lead": rng.choice(SOURCES),
            "created_at": created,
            "version": 1,
        }
        for n, (source, target, action, at) in enumerate(moves):
            deal.moves.append(
                {
                    "from_stage": source,
                    "to_stage": target,
                    "action": action,
                    "at": at,
                    "seconds_in_previous": (
                        int((at - moves[n - 1][3]).total_seconds()) if n else None
                    ),
                }
            )
        self.leads.append(deal)
        return deal

    async def _silent_key_customer(self, reps) -> _Deal | None:
        """A high-value customer who last answered nine days ago."""
        rep = next((r for r, _ in reps if r.external_id == SILENT_OWNER), None)
        if rep is None:
            return None
        zone = self.zone
        account = Account(
            name="上海城市配送集团",
            segment="enterprise_fleet",
            high_value=True,
            owner_rep_id=rep.id,
            created_at=at_hour(self.today - timedelta(days=75), 10, zone),
        )
        self.session.add(account)
        await self.session.flush()
        created = at_hour(self.today - timedelta(days=30), 10, zone)
        contacted = at_hour(self.today - timedelta(days=26), 15, zone)
        opportunity = Opportunity(
            account_id=account.id,
            owner_rep_id=rep.id,
            title="200 辆换电物流车框架协议",
            amount=200 * VEHICLE,
            expected_close=self.today + timedelta(days=45),
            stage="contacted",
            stage_entered_at=contacted,
            source_lead="referral",
            created_at=created,
        )
        self.session.add(opportunity)
        await self.session.flush()
        for n, (source, target, at) in enumerate(
            [(None, "lead", created), ("lead", "contacted", contacted)]
        ):
            self.session.add(
                StageTransition(
                    opportunity_id=opportunity.id,
                    from_stage=source,
                    to_stage=target,
                    action="advance" if n else "create",
                    at=at,
                    seconds_in_previous=int((contacted - created).total_seconds()) if n else None,
                )
            )
        deal = _Deal(opportunity.id, rep.id, created, None, key=False)
        for days_ago, kind in (
            (26, "visit"),
            (19, "call"),
            (14, "demo_held"),
            (SILENT_DAYS, "visit"),
        ):
            at = at_hour(self.today - timedelta(days=days_ago), 14, zone)
            self._follow_up(deal, kind, at, 1.0, answered=True)
        return deal

    async def _write(self) -> None:
        """The leads, their stage history and every follow-up: a few bulk statements (Core
        inserts of many rows each; the ORM's unit of work would take far longer)."""
        opportunity, transition = _table(Opportunity), _table(StageTransition)
        if self.leads:
            ids = await self.session.scalars(
                insert(opportunity).returning(opportunity.c.id, sort_by_parameter_order=True),
                [lead.row for lead in self.leads],
            )
            for lead, new_id in zip(self.leads, ids.all(), strict=True):
                lead.id = new_id
            moves = [{"opportunity_id": d.id, **move} for d in self.leads for move in d.moves]
            await self._insert(transition, moves)
        rows = [
            {
                **{k: v for k, v in row.items() if k != "opportunity"},
                "opportunity_id": row["opportunity"].id,
            }
            for row in sorted(self.follow_ups, key=lambda r: r["occurred_at"])
        ]
        await self._insert(_table(FollowUp), rows)

    async def _insert(self, table, rows: list[dict[str, Any]]) -> None:
        for start in range(0, len(rows), BATCH):
            await self.session.execute(insert(table), rows[start : start + BATCH])


def _table(model) -> Table:
    return cast(Table, model.__table__)


def _first(deals: list[_Deal]) -> _Deal | None:
    return deals[0] if deals else None


def _company(rng: random.Random, rep: Rep) -> str:
    city = CITY_NAMES.get(rep.territories[0].territory, "") if rep.territories else ""
    trade = "".join(rng.sample(TRADE_NAME, k=2))
    return f"{city}{trade}{rng.choice(ACCOUNT_NAMES)}有限公司"


def at_hour(day: date, hour: int, zone: ZoneInfo, minute: int = 0) -> datetime:
    return as_utc(datetime.combine(day, time(hour, minute), zone))
