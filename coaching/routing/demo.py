"""The demo company's last week of leads: posted through intake one by one as marketing's
forms would, routed by the default policy with their explanations, most of them called
within a day by their owner, and the rest re-routed by the SLA sweep — so a manager sees
both kinds of history. Only the dates are moved back to the day each lead arrived."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coaching.routing.service import Router, intake_lead, sweep
from domain.kernel.actor import Actor
from domain.kernel.time import as_utc
from domain.leads.models import Lead, RoutingDecision
from domain.leads.rules import Contact, IntakeItem
from domain.org.access import actor_for
from domain.org.demo import SEGMENTS, SURNAMES
from domain.org.models import RepTerritory, User
from domain.pipeline.demo import SOURCES
from domain.pipeline.follow_ups import Entry, log_follow_up
from domain.pipeline.models import Account, FollowUpType, Opportunity, StageTransition

DAYS = 7
LEADS_PER_DAY = 8
CALLED_SHARE = 0.7
SIGNALS = [
    "battery_swap_interest",
    "watched_battery_video",
    "requested_quote",
    "competitor_quote",
    "budget_confirmed",
    "price_complaint",
]
INTERESTS = ["ev_suv", "ev_sedan", "fleet_charging", "battery_swap_plan"]
SYSTEM = Actor(user_id=0, roles=frozenset({"admin"}))


async def seed_routing(
    sessions: async_sessionmaker[AsyncSession],
    router: Router,
    seed: int,
    today: date,
    tick: Callable[[], None] | None = None,
) -> int:
    """Once (nothing happens when leads exist): the week's leads; how many. `tick` hears of
    each lead posted."""
    async with sessions() as session:
        if await session.scalar(select(func.count()).select_from(Lead)):
            return 0
        territories = sorted(set(await session.scalars(select(RepTerritory.territory))))
    rng = random.Random(f"pacer-demo-routing:{seed}")
    zone = ZoneInfo(router.settings.timezone)  # leads arrive in office hours, company time
    posted = 0
    for offset in range(DAYS - 1, -1, -1):
        day = today - timedelta(days=offset)
        for number in range(LEADS_PER_DAY):
            item = _lead(rng, day, number, territories)
            async with sessions() as session:
                routed = await intake_lead(session, SYSTEM, router, item)
                arrived = as_utc(datetime.combine(day, time(9 + number, 15), zone))
                await _arrived_at(session, routed.lead, arrived, router)
                if routed.lead.owner_rep_id and rng.random() < CALLED_SHARE:
                    await _called(session, routed.lead, arrived + timedelta(hours=3), router)
                await session.commit()
            posted += 1
            if tick is not None:
                tick()
    async with sessions() as session:  # as at the end of the demo's day, whatever the clock says
        await sweep(
            session, SYSTEM, router, now=as_utc(datetime.combine(today, time(23, 59), zone))
        )
        await session.commit()
    return posted


def _lead(rng: random.Random, day: date, number: int, territories: list[str]) -> IntakeItem:
    segment = rng.choice(SEGMENTS)
    region = "lhasa" if number == 7 and day.day % 3 == 0 else rng.choice(territories)
    return IntakeItem(
        external_id=f"demo-{day:%Y%m%d}-{number:02d}",
        source=rng.choice(SOURCES),
        segment=segment,
        region=region,
        product_interests=tuple(rng.sample(INTERESTS, k=rng.randint(0, 2))),
        signals=tuple(rng.sample(SIGNALS, k=rng.randint(0, 2))),
        estimated_value=rng.choice([8, 15, 30, 60, 250]) * 1_000_000,
        contact=Contact(
            name=rng.choice(SURNAMES) + "先生",
            phone=f"+86 139 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
            company=f"{segment} customer {number}",
        ),
        attributes={"purchase_timeline": rng.choice(["within_1_month", "within_3_months"])},
    )


async def _arrived_at(session: AsyncSession, lead: Lead, arrived: datetime, router) -> None:
    lead.received_at = arrived
    if lead.routed_at is not None:
        lead.routed_at = arrived
        lead.contact_due_at = arrived + timedelta(hours=router.settings.routing_sla_hours)
    decisions = await session.scalars(
        select(RoutingDecision).where(RoutingDecision.lead_id == lead.id)
    )
    for decision in decisions:
        decision.decided_at = arrived
    if lead.opportunity_id is not None:  # the opportunity intake made for it, made then too
        opportunity = await session.get(Opportunity, lead.opportunity_id)
        if opportunity is not None:
            opportunity.created_at = opportunity.stage_entered_at = arrived
            account = await session.get(Account, opportunity.account_id)
            if account is not None:
                account.created_at = arrived
            await session.execute(
                update(StageTransition)
                .where(StageTransition.opportunity_id == opportunity.id)
                .values(at=arrived)
            )


async def _called(session: AsyncSession, lead: Lead, when: datetime, router) -> None:
    user = await session.scalar(select(User).where(User.rep_id == lead.owner_rep_id))
    if user is None or lead.opportunity_id is None:
        return
    await log_follow_up(
        session,
        await actor_for(session, user),
        opportunity_id=lead.opportunity_id,
        entry=Entry(
            type=FollowUpType.CALL,
            occurred_at=when,
            customer_status="engaged",
            customer_responded=True,
        ),
        max_age_days=router.settings.follow_up_max_age_days,
        now=when + timedelta(hours=1),
    )
