"""The demo company's open pipeline: accounts and opportunities across every stage, with
follow-up histories, all made through the same services users call."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.actor import Actor
from domain.kernel.time import as_utc
from domain.org.demo import WEAK_TEAM
from domain.org.models import OrgUnit, Rep
from domain.pipeline import follow_ups, rules, service
from domain.pipeline.models import Account, FollowUpType, ValuePoint
from domain.pipeline.stages import OPEN_STAGES, Stage

OPPORTUNITIES_PER_REP = 3
ACCOUNT_NAMES = ["出行", "物流", "租车", "公交", "环卫", "冷链", "快递", "网约车"]
CITIES_ZH = ["华东", "华南", "华北", "西部"]
SOURCES = ["website", "douyin", "auto_show", "referral", "telemarketing"]
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
    """Create the pipeline once; returns how many opportunities were made."""
    if await session.scalar(select(func.count()).select_from(Account)):
        return 0
    rng = random.Random(seed + 1)
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
        for _ in range(OPPORTUNITIES_PER_REP):
            await _opportunity(
                session, actor, rng, rep, account, today, zone, gates, rep.id not in quiet
            )
            made += 1
    return made


async def _opportunity(session, actor, rng, rep, account, today, zone, gates, wins=True) -> None:
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
    await _follow_ups(session, actor, rng, opportunity.id, today, zone)
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
        await service.win(
            session,
            actor,
            opportunity_id=opportunity.id,
            expected_version=opportunity.version,
            signed_amount=int(amount * rng.uniform(0.85, 1.0)) // 100 * 100,
            signed_on=today - timedelta(days=rng.randint(0, 20)),
            today=today,
        )
    elif target == Stage.LOST:
        await service.lose(
            session,
            actor,
            opportunity_id=opportunity.id,
            expected_version=opportunity.version,
            reason_code=rng.choice(["price", "competitor", "timing", "no_budget"]),
            note=None,
        )


async def _follow_ups(session, actor, rng, opportunity_id: int, today: date, zone) -> None:
    """Two to four follow-ups on the six days before today, each logged within hours."""
    for _ in range(rng.randint(2, 4)):
        day = today - timedelta(days=rng.randint(1, 6))
        occurred = as_utc(datetime.combine(day, time(rng.randint(9, 17), rng.randint(0, 59)), zone))
        await follow_ups.log_follow_up(
            session,
            actor,
            opportunity_id=opportunity_id,
            max_age_days=7,
            now=max(occurred + timedelta(hours=rng.uniform(0.2, 20)), occurred),
            entry=follow_ups.Entry(
                type=rng.choice(list(FollowUpType)),
                occurred_at=occurred,
                customer_status=rng.choice(STATUSES),
                customer_responded=rng.random() < 0.8,
                value_points=rng.sample(list(ValuePoint), k=rng.choice([0, 0, 1, 2])),
            ),
        )
