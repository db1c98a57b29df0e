"""Reads of the loops: an alert's senior pairing, and each side's pairings — the rep helped
and the senior helping see theirs; managers see them on the alert."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts.models import MentorPairing
from domain.kernel.actor import Actor

RECENT_PAIRINGS = 20


async def pairings_of_alerts(
    session: AsyncSession, ids: Iterable[int]
) -> dict[int, MentorPairing | None]:
    """Each alert's latest pairing (a series still orange a week later gets the next
    week's), or None."""
    wanted = set(ids)
    found: dict[int, MentorPairing | None] = dict.fromkeys(wanted)
    rows = await session.scalars(
        select(MentorPairing)
        .where(MentorPairing.alert_id.in_(wanted))
        .order_by(MentorPairing.week_start, MentorPairing.id)
    )
    for pairing in rows:
        found[pairing.alert_id] = pairing
    return found


async def my_pairings(
    session: AsyncSession, actor: Actor, *, as_mentor: bool, limit: int = RECENT_PAIRINGS
) -> list[MentorPairing]:
    """The caller's own pairings, newest week first: those where they are helped, or (as
    mentor) those where they help. A user who is not a rep has none."""
    if actor.rep_id is None:
        return []
    column = MentorPairing.mentor_rep_id if as_mentor else MentorPairing.rep_id
    rows = await session.scalars(
        select(MentorPairing)
        .where(column == actor.rep_id)
        .order_by(MentorPairing.week_start.desc(), MentorPairing.id.desc())
        .limit(limit)
    )
    return list(rows)
