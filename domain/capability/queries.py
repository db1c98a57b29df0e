"""What people read about capability: a rep's profile and a unit's heatmap (scope-checked),
and the batched lookups behind them (history, awards, ratings) for DataLoaders."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capability.models import (
    CapabilityScoreChange,
    CustomerRating,
    MilestoneAward,
)
from domain.errors import not_found
from domain.kernel.actor import Actor
from domain.org.errors import OrgError
from domain.org.models import OrgUnit, Rep, RepStatus
from domain.org.service import rep_visible, units_in_subtree

HISTORY_LIMIT = 100


@dataclass(frozen=True)
class Heatmap:
    unit: OrgUnit
    reps: list[Rep]


async def profile_rep(session: AsyncSession, actor: Actor, rep_id: int) -> Rep:
    """The rep whose profile is asked for: oneself for a rep, any rep of the subtree for
    managers (their scores load through `score_rows`)."""
    rep = await session.scalar(select(Rep).where(Rep.id == rep_id, rep_visible(actor)))
    if rep is None:
        raise not_found(OrgError.REP_NOT_FOUND, "rep", "销售代表", "rep")
    return rep


async def heatmap(session: AsyncSession, actor: Actor, unit_id: int) -> Heatmap:
    """Every active or on-leave rep of a managed unit's subtree, by name (their scores load
    in one batch through `score_rows`)."""
    unit = await session.get(OrgUnit, unit_id)
    if unit is None or not actor.manages_path(unit.path):
        raise not_found(OrgError.UNIT_NOT_FOUND, "unit", "组织单元", "org unit")
    reps = list(
        await session.scalars(
            select(Rep)
            .where(
                Rep.unit_id.in_(units_in_subtree(unit.path)),
                Rep.status != RepStatus.INACTIVE.value,
            )
            .order_by(Rep.name, Rep.id)
        )
    )
    return Heatmap(unit, reps)


async def history_of(
    session: AsyncSession, keys: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], list[CapabilityScoreChange]]:
    """Per (rep, dimension), its score changes, newest first (at most HISTORY_LIMIT)."""
    wanted = set(keys)
    found: dict[tuple[int, str], list[CapabilityScoreChange]] = {key: [] for key in wanted}
    rows = await session.scalars(
        select(CapabilityScoreChange)
        .where(
            CapabilityScoreChange.rep_id.in_({rep for rep, _ in wanted}),
            CapabilityScoreChange.dimension.in_({dim for _, dim in wanted}),
        )
        .order_by(CapabilityScoreChange.id.desc())
    )
    for row in rows:
        kept = found.get((row.rep_id, row.dimension))
        if kept is not None and len(kept) < HISTORY_LIMIT:
            kept.append(row)
    return found


async def awards_of(
    session: AsyncSession, rep_ids: Iterable[int]
) -> dict[int, list[MilestoneAward]]:
    """Per rep, every award (current and revoked), newest first."""
    found: dict[int, list[MilestoneAward]] = {}
    rows = await session.scalars(
        select(MilestoneAward)
        .where(MilestoneAward.rep_id.in_(set(rep_ids)))
        .order_by(MilestoneAward.awarded_at.desc(), MilestoneAward.id.desc())
    )
    for row in rows:
        found.setdefault(row.rep_id, []).append(row)
    return found


async def ratings_of(
    session: AsyncSession, rep_ids: Iterable[int], limit: int = 20
) -> dict[int, list[CustomerRating]]:
    """Per rep, their newest customer ratings."""
    found: dict[int, list[CustomerRating]] = {}
    rows = await session.scalars(
        select(CustomerRating)
        .where(CustomerRating.rep_id.in_(set(rep_ids)))
        .order_by(CustomerRating.rated_on.desc(), CustomerRating.id.desc())
    )
    for row in rows:
        kept = found.setdefault(row.rep_id, [])
        if len(kept) < limit:
            kept.append(row)
    return found
