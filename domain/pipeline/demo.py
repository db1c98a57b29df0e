"""The demo company's open pipeline: accounts and opportunities across every stage, with
follow-up histories, all made through the same services users call. Each opportunity lived
over the last weeks — created one to three months ago, moved on, followed up, won or lost
along the way — so only its dates are moved back afterwards, as a replayed history would
have them (the services stamp the moment they run)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.kernel.actor import Actor
from domain.kernel.time import as_utc
from domain.org.demo import WEAK_TEAM
from domain.org.models import OrgUnit, Rep
from domain.pipeline import checklist, follow_ups, rules, service
from domain.pipeline.models import Account, FollowUpType, Opportunity, StageTransition, ValuePoint
from domain.pipeline.stages import OPEN_STAGES, Stage

OPPORTUNITIES_PER_REP = 3
CREATED_DAYS_AGO = (25, 90)  # each opportunity was created this many days before today
WON_DAYS_AGO = (0, 20)
ACCOUNT_NAMES = ["出行", "物流", "租车", "公交", "环卫", "冷链", "快递", "网约车"]
CITIES_ZH = ["华东", "华南", "华北", "西部"]
SOURCES = ["website", "douyin", "auto_show", "referral", "telemarketing"]
LOSS_REASONS = ["price", "competitor", "timing", "no_budget"]
STATUSES = [
    "engaged",
    "evaluating",
    "comparing_competitors",
    "budget_pending",
    "nev_test_driven",
    "nev_quoted",
    "nev_finance_pre_approved",
]
QUALIFICATION = {
    "budget_range": {"min": 1_000_000, "max": 3_000_000},
    "decision_maker": "车队运营总监",
    "need": "替换燃油车队，三个月内交付并配套换电",
    "timeline": "2027-03-31",
    "decision_chain": ["运营", "采购", "财务", "总经理"],
    "competitors": ["比亚迪", "吉利"],
}


async def seed_pipeline(
    session: AsyncSession,
    actor: Actor,
    seed: int,
    today: date,
    timezone: str,
    gates: rules.Gates,
) -> int:
    """Create the pipeline once; returns how many opportunities were made. One generator
    draws what happened (the same for a seed as before the dates were spread), another
    when it happened."""
    if await session.scalar(select(func.count()).select_from(Account)):
        return 0
    rng = random.Random(seed + 1)
    clock = random.Random(f"pacer-demo-pipeline-times:{seed}")
    zone = ZoneInfo(timezone)
    reps = list(await session.scalars(select(Rep).where(Rep.status == "active").order_by(Rep.id)))
    quiet = set(
        await session.scalars(select(Rep.id).join(OrgUnit).where(OrgUnit.code == WEAK_TEAM))
    )
    made = 0
    for rep in reps:
        segment = rep.specialties[0].segment if rep.specialties else "private_buyer"
        account = await service.create_account(
            session,
            actor,
            name=f"{rng.choice(CITIES_ZH)}{rng.choice(ACCOUNT_NAMES)}集团{rep.id:02d}",
            segment=segment,
            high_value=rng.random() < 0.3,
            owner_rep_id=rep.id,
        )
        created = []
        for _ in range(OPPORTUNITIES_PER_REP):
            life = _Life(rng, clock, rep, today, zone)
            await _opportunity(session, actor, life, account, gates, rep.id not in quiet)
            created.append(life.created)
            made += 1
        first = min(created) - timedelta(days=clock.randint(0, 60), hours=clock.randint(0, 5))
        account.created_at = max(first, _at(rep.hire_date, 9, zone))
    await session.flush()
    await _contract_checklists(session)
    return made


async def _contract_checklists(session: AsyncSession) -> None:
    """Every deal in negotiation has its contract checklist; on the first one, legal and
    the customer's qualification are already checked (the rest block `winOpportunity`)."""
    deals = list(
        await session.scalars(
            select(Opportunity.id)
            .where(Opportunity.stage == Stage.NEGOTIATION.value)
            .order_by(Opportunity.id)
        )
    )
    for n, deal in enumerate(deals):
        items = await checklist.open_checklist(session, deal, checklist.configured(None))
        for item in items[:2] if n == 0 else []:
            item.checked_at = utcnow()
            item.note = "演示：已审核"
    await session.flush()


class _Life:
    """An opportunity's timeline: created some weeks ago (never before its owner was hired),
    its last move yesterday at the latest, or on the day a won deal was signed."""

    def __init__(self, rng, clock, rep: Rep, today: date, zone: ZoneInfo):
        self.rng, self.clock, self.rep, self.today, self.zone = rng, clock, rep, today, zone
        days_ago = clock.randint(*CREATED_DAYS_AGO)
        self.created_on = max(today - timedelta(days=days_ago), rep.hire_date)
        self.created = _at(self.created_on, clock.randint(9, 16), zone, clock.randint(0, 59))
        self.last = _at(today - timedelta(days=1), clock.randint(9, 17), zone, clock.randint(0, 59))

    def signed(self, signed_on: date) -> date:
        """A won deal's signing day, not before the deal was created."""
        signed_on = max(signed_on, self.created_on)
        self.last = _at(signed_on, self.clock.randint(10, 17), self.zone, self.clock.randint(0, 59))
        return signed_on

    def lost(self) -> None:
        self.last = self.created + (self.last - self.created) * self.clock.uniform(0.4, 1.0)

    def at(self, share: float) -> datetime:
        """The moment `share` of the way from its creation to its last move."""
        last = max(self.last, self.created + timedelta(hours=1))
        return (self.created + (last - self.created) * share).replace(second=0, microsecond=0)


async def _opportunity(session, actor, life: _Life, account, gates, wins=True) -> None:
    """One opportunity's life: created, followed up, moved stage by stage, won or lost —
    then dated along its timeline."""
    rng, rep, today = life.rng, life.rep, life.today
    amount = rng.randint(5, 60) * 180_000_00
    opportunity = await service.create_opportunity(
        session,
        actor,
        account_id=account.id,
        owner_rep_id=rep.id,
        gates=gates,
        source_lead=rng.choice(SOURCES),
        details=service.Details(
            title=f"{rng.randint(5, 60)} 辆换电车采购",
            amount=amount,
            expected_close=today + timedelta(days=rng.randint(20, 120)),
            qualification=dict(QUALIFICATION),
            high_margin=rng.random() < 0.3,
        ),
    )
    planned = _planned_follow_ups(rng)
    target = rng.choice([*OPEN_STAGES, Stage.WON, Stage.LOST])
    if target == Stage.WON and not wins:
        target = Stage.NEGOTIATION  # the weak team closes nothing these weeks
    stop_at = {Stage.WON: Stage.NEGOTIATION, Stage.LOST: rng.choice(OPEN_STAGES)}.get(
        target, target
    )
    stage = Stage.LEAD
    while stage != stop_at:
        opportunity = await service.advance(
            session,
            actor,
            opportunity_id=opportunity.id,
            expected_version=opportunity.version,
            to_stage=None,
            gates=gates,
        )
        stage = Stage(opportunity.stage)
    if target == Stage.WON:
        signed_amount = int(amount * rng.uniform(0.85, 1.0)) // 100 * 100
        signed_on = life.signed(today - timedelta(days=rng.randint(*WON_DAYS_AGO)))
        opportunity = await service.win(
            session,
            actor,
            opportunity_id=opportunity.id,
            expected_version=opportunity.version,
            signed_amount=signed_amount,
            signed_on=signed_on,
            today=today,
        )
    elif target == Stage.LOST:
        opportunity = await service.lose(
            session,
            actor,
            opportunity_id=opportunity.id,
            expected_version=opportunity.version,
            reason_code=rng.choice(LOSS_REASONS),
            note=None,
        )
        life.lost()
    await _date_back(session, opportunity, life)
    for delay, entry in planned:
        occurred = life.at(life.clock.uniform(0.05, 1.0))
        entry.occurred_at = occurred
        await follow_ups.log_follow_up(
            session,
            actor,
            opportunity_id=opportunity.id,
            max_age_days=7,
            now=occurred + timedelta(hours=delay),
            entry=entry,
        )


# The types the history draws from, fixed: a type added to FollowUpType later must not
# reshuffle every draw after it (which deals are won, who earns a milestone).
PLANNED_TYPES = [t for t in FollowUpType if t is not FollowUpType.QUOTE_SENT]


def _planned_follow_ups(rng) -> list[tuple[float, follow_ups.Entry]]:
    """Two to four follow-ups, each logged within hours of happening (when: see `_Life`)."""
    planned = []
    for _ in range(rng.randint(2, 4)):
        rng.randint(1, 6), rng.randint(9, 17), rng.randint(0, 59)  # their day, as drawn before
        delay = rng.uniform(0.2, 20)
        entry = follow_ups.Entry(
            type=rng.choice(PLANNED_TYPES),
            occurred_at=datetime.min,  # set once the timeline is known
            customer_status=rng.choice(STATUSES),
            customer_responded=rng.random() < 0.8,
            value_points=rng.sample(list(ValuePoint), k=rng.choice([0, 0, 1, 2])),
        )
        planned.append((delay, entry))
    return planned


async def _date_back(session, opportunity: Opportunity, life: _Life) -> None:
    """Its creation at `created`, its moves spread over its life, the last at its end."""
    moves = list(
        await session.scalars(
            select(StageTransition)
            .where(StageTransition.opportunity_id == opportunity.id)
            .order_by(StageTransition.id)
        )
    )
    cuts = sorted(life.clock.uniform(0.1, 0.95) for _ in moves[1:-1])
    times = [life.at(0), *(life.at(cut) for cut in cuts), life.at(1)][: len(moves)]
    for n, (move, at) in enumerate(zip(moves, times, strict=True)):
        move.at = at
        move.seconds_in_previous = int((at - times[n - 1]).total_seconds()) if n else None
    opportunity.created_at = times[0]
    opportunity.stage_entered_at = times[-1]


def _at(day: date, hour: int, zone: ZoneInfo, minute: int = 0) -> datetime:
    return as_utc(datetime.combine(day, time(hour, minute), zone))
