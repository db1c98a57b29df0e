"""The demo company's weekly review: the Shanghai manager's calibration review of last week."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.org.access import actor_for
from domain.org.models import OrgUnit, Rep, User
from domain.pipeline.models import Account
from domain.reviews import actions as review_actions
from domain.reviews.service import start_weekly_review
from domain.reviews.snapshot import ReviewSettings
from domain.settings import Settings
from domain.targets.models import PeriodKind, Target
from domain.targets.periods import Period

REVIEWED_TEAM = "east.shanghai"


async def seed_review(session: AsyncSession, settings: Settings, today: date) -> None:
    """The Shanghai manager's calibration review of last week: an anomaly, a pair of
    balancing suggestions for a director to accept, and the week's key customer."""
    manager = await session.scalar(select(User).where(User.login == "manager.shanghai"))
    unit = await session.scalar(select(OrgUnit).where(OrgUnit.code == REVIEWED_TEAM))
    if manager is None or unit is None:
        return
    actor = await actor_for(session, manager)
    last_monday = today - timedelta(days=today.weekday() + 7)
    review = await start_weekly_review(
        session,
        actor,
        unit_id=unit.id,
        week_start=last_monday,
        today=today,
        settings=ReviewSettings.of(settings),
    )
    reps = list(await session.scalars(select(Rep).where(Rep.unit_id == unit.id).order_by(Rep.id)))
    await review_actions.mark_anomaly(
        session,
        actor,
        review_id=review.id,
        rep_id=reps[0].id,
        note="最近几天几乎没有记录拜访和新线索，需一对一了解原因",
    )
    month = Period.containing(PeriodKind.MONTH, today)
    targets = list(
        await session.scalars(
            select(Target)
            .where(
                Target.owner_rep_id.in_([r.id for r in reps[:2]]),
                Target.period_kind == PeriodKind.MONTH.value,
                Target.period_start == month.start,
            )
            .order_by(Target.owner_rep_id)
        )
    )
    if len(targets) == 2:
        shift = targets[0].amount // 10
        for target, change in ((targets[0], -shift), (targets[1], shift)):
            await review_actions.suggest_adjustment(
                session,
                actor,
                review_id=review.id,
                target_id=target.id,
                proposed_amount=target.amount + change,
                reason="客户预算推迟到下月，本月指标在组内平移 / a customer's budget moved a month",
            )
    key = await session.scalar(
        select(Account.id).where(Account.high_value.is_(True), Account.owner_rep_id == reps[-1].id)
    )
    if key is not None:
        await review_actions.confirm_key_customers(
            session, actor, review_id=review.id, accounts=[(key, "本周必须拿到回应")]
        )
