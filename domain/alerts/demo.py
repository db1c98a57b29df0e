"""The demo company's early warnings: a fortnight of logged activity for the Shanghai team
(most of it on target, two reps slipping), a key customer gone silent, and the evaluator
replayed over the last ten days — so alerts of every severity have a real history."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.alerts.evaluate import RunSummary, config_from, run_alerts
from domain.alerts.models import AlertRun
from domain.alerts.signals import Config, working_days_back
from domain.kernel.time import as_utc
from domain.org.models import OrgUnit, Rep
from domain.pipeline.demo import QUALIFICATION
from domain.pipeline.models import Account, FollowUp, Opportunity, StageTransition
from domain.settings import Settings
from domain.targets.progress import working_calendar

BUSY_TEAM = "east.shanghai"
ACTIVE_DAYS = 10  # working days of logged activity
REPLAY_DAYS = 10  # calendar days the evaluator is replayed over


async def seed_alerts(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, seed: int, today: date
) -> list[RunSummary]:
    """Once: the activity, then one evaluation per day up to today (none when alerts were
    evaluated before)."""
    config = config_from(settings)
    async with sessions() as session:
        if await session.scalar(select(func.count()).select_from(AlertRun)):
            return []
        await _activity(session, config, random.Random(seed + 5), today)
        await session.commit()
    summaries = []
    for offset in range(REPLAY_DAYS - 1, -1, -1):
        async with sessions() as session:
            calendar = await working_calendar(session, config.country)
            day = today - timedelta(days=offset)
            summaries.append(await run_alerts(session, day=day, calendar=calendar, config=config))
            await session.commit()
    return summaries


async def _activity(session: AsyncSession, config: Config, rng: random.Random, today: date):
    zone = ZoneInfo(config.timezone)
    calendar = await working_calendar(session, config.country)
    days = working_days_back(calendar, today, ACTIVE_DAYS)
    reps = list(
        await session.scalars(
            select(Rep).join(OrgUnit).where(OrgUnit.code == BUSY_TEAM).order_by(Rep.id)
        )
    )
    # The first rep stops logging two working days ago (yellow), the second three (orange).
    stops = {reps[0].id: 2, reps[1].id: 3} if len(reps) >= 2 else {}
    for rep in reps:
        account = Account(
            name=f"上海客户{rep.id:02d}", segment="enterprise_fleet", owner_rep_id=rep.id
        )
        session.add(account)
        await session.flush()
        active = days[: len(days) - stops.get(rep.id, 0)]
        for day in days:
            minimums = config.minimums[rep.level]
            busy = day in active
            for _ in range(minimums["needs_confirmed"] if busy else 0):
                await _qualified(session, rng, rep, account, day, zone)
            opportunity_id = await session.scalar(
                select(Opportunity.id).where(Opportunity.owner_rep_id == rep.id).limit(1)
            )
            touches = minimums["touches"] + rng.randint(0, 2) if busy else 1
            kinds = ["call"] * touches
            if busy:
                kinds += ["proposal_sent"] * minimums["proposals_sent"]
                kinds += ["demo_booked"] * minimums["demos_booked"]
            for n, kind in enumerate(kinds):
                session.add(
                    FollowUp(
                        opportunity_id=opportunity_id,
                        rep_id=rep.id,
                        type=kind,
                        occurred_at=_at(day, 9 + n % 9, zone),
                        logged_at=_at(day, 18, zone),
                        customer_status="engaged",
                        customer_responded=True,
                        value_points=["case_study"] if rng.random() < 0.6 else [],
                        customer_initiated=rng.random() < 0.1,
                    )
                )
    await _silent_key_customer(session, reps[-1] if reps else None, today, zone)
    await session.flush()


async def _qualified(session, rng, rep: Rep, account: Account, day: date, zone) -> None:
    """A lead created in the morning and qualified (needs confirmed) in the afternoon."""
    created, qualified = _at(day, 9, zone), _at(day, 15, zone)
    opportunity = Opportunity(
        account_id=account.id,
        owner_rep_id=rep.id,
        title=f"{rng.randint(5, 40)} 辆物流车",
        amount=rng.randint(5, 40) * 180_000_00,
        expected_close=day + timedelta(days=rng.randint(30, 90)),
        stage="qualified",
        stage_entered_at=qualified,
        qualification=dict(QUALIFICATION),
        source_lead="website",
        created_at=created,
    )
    session.add(opportunity)
    await session.flush()
    _history(session, opportunity, [created, _at(day, 11, zone), qualified])


async def _silent_key_customer(session, rep: Rep | None, today: date, zone) -> None:
    """A high-value customer who last answered nine days ago."""
    if rep is None:
        return
    account = Account(
        name="上海城市配送集团", segment="enterprise_fleet", high_value=True, owner_rep_id=rep.id
    )
    session.add(account)
    await session.flush()
    created = _at(today - timedelta(days=30), 10, zone)
    opportunity = Opportunity(
        account_id=account.id,
        owner_rep_id=rep.id,
        title="200 辆换电物流车框架协议",
        amount=200 * 180_000_00,
        expected_close=today + timedelta(days=45),
        stage="contacted",
        stage_entered_at=created,
        source_lead="referral",
        created_at=created,
    )
    session.add(opportunity)
    await session.flush()
    _history(session, opportunity, [created, created])
    answered = _at(today - timedelta(days=9), 14, zone)
    session.add(
        FollowUp(
            opportunity_id=opportunity.id,
            rep_id=rep.id,
            type="visit",
            occurred_at=answered,
            logged_at=answered,
            customer_status="evaluating",
            customer_responded=True,
            value_points=["roi_figure"],
        )
    )


def _history(session, opportunity: Opportunity, times: list[datetime]) -> None:
    """The stage history from creation (lead) onwards, one forward move per later time."""
    stages = [None, "lead", "contacted", "qualified"]
    for n, at in enumerate(times):
        session.add(
            StageTransition(
                opportunity_id=opportunity.id,
                from_stage=stages[n],
                to_stage=stages[n + 1],
                action="create" if n == 0 else "advance",
                at=at,
                seconds_in_previous=int((at - times[n - 1]).total_seconds()) if n else None,
            )
        )


def _at(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return as_utc(datetime.combine(day, time(hour), zone))
