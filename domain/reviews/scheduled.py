"""Freezing every unit's weekly review on schedule (Monday morning, `pacer reviews snapshot`):
the week just ended, once per unit; a rerun freezes only the units still missing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.actor import Actor, Role
from domain.org.models import OrgUnit, User, UserRole
from domain.org.service import units_in_subtree
from domain.reviews.models import WeeklyReview
from domain.reviews.service import start_weekly_review
from domain.reviews.snapshot import ReviewSettings


def week_to_review(today: date) -> date:
    """The Monday of the last complete ISO week before `today` (on a Monday morning: the
    week that ended yesterday)."""
    return today - timedelta(days=today.weekday() + 7)


@dataclass
class SnapshotRun:
    week_start: date
    frozen: list[str] = field(default_factory=list)  # unit codes frozen by this run
    already: list[str] = field(default_factory=list)  # unit codes frozen before


async def snapshot_every_unit(
    session: AsyncSession,
    actor: Actor,
    *,
    today: date,
    settings: ReviewSettings,
    week_start: date | None = None,
) -> SnapshotRun:
    """Start (and so freeze) the review of `week_start` (default: the week just ended) for
    every unit in the actor's scope that has none yet."""
    week_start = week_start or week_to_review(today)
    run = SnapshotRun(week_start)
    stmt = select(OrgUnit).order_by(OrgUnit.path)
    if actor.subtree_path is not None:
        stmt = stmt.where(OrgUnit.id.in_(units_in_subtree(actor.subtree_path)))
    units = list(await session.scalars(stmt))
    done = set(
        await session.scalars(
            select(WeeklyReview.unit_id).where(WeeklyReview.week_start == week_start)
        )
    )
    for unit in units:
        if unit.id in done:
            run.already.append(unit.code)
            continue
        await start_weekly_review(
            session, actor, unit_id=unit.id, week_start=week_start, today=today, settings=settings
        )
        run.frozen.append(unit.code)
    return run


async def scheduler_user(session: AsyncSession, login: str | None) -> User | None:
    """The login the scheduled reviews are started as: the one named, else the first active
    admin; None when there is none."""
    stmt = select(User).where(User.active.is_(True))
    if login:
        stmt = stmt.where(User.login == login)
    else:
        admins = select(UserRole.user_id).where(UserRole.role == Role.ADMIN.value)
        stmt = stmt.where(User.id.in_(admins)).order_by(User.id)
    return (await session.scalars(stmt.limit(1))).first()
