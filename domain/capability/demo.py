"""The demo company's capability: customer ratings of its closed deals and of one follow-up
per rep (recorded through the rating service, as a manager would), the deal-quality refresh
and a milestone evaluation. The practice evidence is already there: the demo's role-plays
wrote it as they finished. Every award comes from evaluating the rules, none is inserted."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.capability import awards, deals, ratings
from domain.capability.models import CustomerRating
from domain.errors import not_found
from domain.kernel.time import as_utc
from domain.org.access import actor_for
from domain.org.errors import OrgError
from domain.org.models import User
from domain.pipeline.models import FollowUp, Opportunity
from domain.pipeline.stages import Stage
from domain.settings import Settings

WON_RATINGS = (4, 5, 5)
LOST_RATINGS = (2, 3, 3, 4)
FOLLOW_UP_RATINGS = (3, 4, 4, 5)


async def seed_capability(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, seed: int, today: date
) -> int:
    """Once for the ratings (none are added when ratings exist); the refresh and the
    evaluation are idempotent anyway. How many ratings were recorded."""
    rated = 0
    async with sessions() as session:
        if not await session.scalar(select(func.count()).select_from(CustomerRating)):
            rated = await _rate(
                session, settings, random.Random(f"pacer-demo-capability:{seed}"), today
            )
        await deals.refresh(session, settings, today)
        await awards.evaluate_milestones(session, settings, today)
        await session.commit()
    return rated


async def _rate(session: AsyncSession, settings: Settings, rng: random.Random, today: date) -> int:
    """Customers rate every closed deal (won ones higher), on the day it closed, and each rep's
    first follow-up a few days after it."""
    admin = await session.scalar(select(User).where(User.login == "admin"))
    if admin is None:
        raise not_found(OrgError.USER_NOT_FOUND, "login", "用户", "user")
    actor = await actor_for(session, admin)
    zone = ZoneInfo(settings.timezone)
    given: list[ratings.RatingInput] = []
    closed = await session.scalars(
        select(Opportunity)
        .where(Opportunity.stage.in_([Stage.WON.value, Stage.LOST.value]))
        .order_by(Opportunity.id)
    )
    for deal in closed:
        won = deal.stage == Stage.WON.value
        given.append(
            ratings.RatingInput(
                rating=rng.choice(WON_RATINGS if won else LOST_RATINGS),
                opportunity_id=deal.id,
                rated_on=min(deal.won_on or _day(deal.stage_entered_at, zone), today),
                external_id=f"demo-deal-{deal.id}",
            )
        )
    first_follow_ups = select(func.min(FollowUp.id)).group_by(FollowUp.rep_id)
    for follow_up in await session.scalars(
        select(FollowUp).where(FollowUp.id.in_(first_follow_ups)).order_by(FollowUp.id)
    ):
        given.append(
            ratings.RatingInput(
                rating=rng.choice(FOLLOW_UP_RATINGS),
                follow_up_id=follow_up.id,
                rated_on=min(
                    _day(follow_up.occurred_at, zone) + timedelta(days=rng.randint(1, 6)), today
                ),
                external_id=f"demo-follow-up-{follow_up.id}",
            )
        )
    for rating in given:
        await ratings.record_rating(session, actor, settings, rating, today=today)
    return len(given)


def _day(moment: datetime, zone: ZoneInfo) -> date:
    return as_utc(moment).astimezone(zone).date()
