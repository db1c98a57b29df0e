"""Which follow-up types lead to deals: for each type, the share of opportunities that moved
forward (advanced or won) within a window after it, and the share that were signed (won) within
it, against the opportunities without it; each signing rate with its sample size and a 95%
Wilson interval. The field's measures: signed within 7 days of a whitepaper, purchase order
(won) within 15 days of a demo."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.actor import Actor
from domain.kernel.time import as_utc, check_forwards, utc_day_bounds
from domain.org.models import OrgUnit, Rep
from domain.org.service import units_in_subtree
from domain.pipeline.models import FollowUp, FollowUpType, Opportunity, StageTransition
from domain.pipeline.service import opportunity_visible

# Days after a follow-up in which progress is credited to it (configurable per type).
DEFAULT_WINDOWS = {
    FollowUpType.WHITEPAPER_SENT.value: 7,
    FollowUpType.DEMO_HELD.value: 15,
    FollowUpType.DEMO_BOOKED.value: 15,
}
DEFAULT_WINDOW = 7
FORWARD = ("advance", "win")
SIGNED = "win"
Z_95 = 1.959963984540054


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (None without trials): unlike the normal
    approximation it stays inside [0, 1] and is sensible for small samples and rates near 0
    or 1."""
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError("successes must be between 0 and trials")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z / (1 + z2 / trials) * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    low, high = max(0.0, centre - half), min(1.0, centre + half)
    # rounding can leave the rate a hair outside at the edges (0 or n successes)
    return min(low, p), max(high, p)


@dataclass(frozen=True)
class Effectiveness:
    type: FollowUpType
    window_days: int
    with_type: int
    moved_with: int
    without_type: int
    moved_without: int
    signed_with: int = 0
    signed_without: int = 0

    @property
    def signing_rate_with(self) -> float | None:
        return self.signed_with / self.with_type if self.with_type else None

    @property
    def signing_rate_without(self) -> float | None:
        return self.signed_without / self.without_type if self.without_type else None

    @property
    def signing_interval_with(self) -> tuple[float, float] | None:
        return wilson_interval(self.signed_with, self.with_type)

    @property
    def signing_interval_without(self) -> tuple[float, float] | None:
        return wilson_interval(self.signed_without, self.without_type)

    @property
    def rate_with(self) -> float | None:
        return self.moved_with / self.with_type if self.with_type else None

    @property
    def rate_without(self) -> float | None:
        return self.moved_without / self.without_type if self.without_type else None

    @property
    def lift(self) -> float | None:
        if self.rate_with is None or self.rate_without is None:
            return None
        return self.rate_with - self.rate_without


def moved_within(moves: list[datetime], start: datetime, days: int) -> bool:
    end = start + timedelta(days=days)
    return any(start < moment <= end for moment in moves)


def effectiveness(
    kind: FollowUpType,
    window: int,
    first_of_type: dict[int, datetime],
    first_any: dict[int, datetime],
    forward_moves: dict[int, list[datetime]],
    wins: dict[int, list[datetime]] | None = None,
) -> Effectiveness:
    """Pure: the opportunities with the type are judged from their first such follow-up; the
    others from their first follow-up of any type. `wins` holds when each was signed."""
    wins = wins or {}
    with_type = [o for o in first_any if o in first_of_type]
    without = [o for o in first_any if o not in first_of_type]
    moved_with = sum(
        moved_within(forward_moves.get(o, []), first_of_type[o], window) for o in with_type
    )
    moved_without = sum(
        moved_within(forward_moves.get(o, []), first_any[o], window) for o in without
    )
    signed_with = sum(moved_within(wins.get(o, []), first_of_type[o], window) for o in with_type)
    signed_without = sum(moved_within(wins.get(o, []), first_any[o], window) for o in without)
    return Effectiveness(
        kind,
        window,
        len(with_type),
        moved_with,
        len(without),
        moved_without,
        signed_with,
        signed_without,
    )


async def activity_effectiveness(
    session: AsyncSession,
    actor: Actor,
    *,
    start: date,
    end: date,
    timezone: str,
    unit_id: int | None = None,
    windows: dict[str, int] | None = None,
) -> list[Effectiveness]:
    check_forwards(start, end)
    zone = ZoneInfo(timezone)
    begin, finish = utc_day_bounds(start, end, zone)
    visible = select(Opportunity.id).where(opportunity_visible(actor))
    if unit_id is not None:
        root = await session.get(OrgUnit, unit_id)
        reps = select(Rep.id).where(Rep.unit_id.in_(units_in_subtree(root.path if root else "\0")))
        visible = visible.where(Opportunity.owner_rep_id.in_(reps))
    rows = await session.execute(
        select(FollowUp.opportunity_id, FollowUp.type, FollowUp.occurred_at)
        .where(
            FollowUp.opportunity_id.in_(visible),
            FollowUp.occurred_at >= begin,
            FollowUp.occurred_at < finish,
        )
        .order_by(FollowUp.occurred_at)
    )
    first_any: dict[int, datetime] = {}
    first_by_type: dict[str, dict[int, datetime]] = defaultdict(dict)
    for opportunity_id, kind, occurred_at in rows:
        moment = as_utc(occurred_at)
        first_any.setdefault(opportunity_id, moment)
        first_by_type[kind].setdefault(opportunity_id, moment)
    forward: dict[int, list[datetime]] = defaultdict(list)
    wins: dict[int, list[datetime]] = defaultdict(list)
    moves = await session.execute(
        select(StageTransition.opportunity_id, StageTransition.at, StageTransition.action).where(
            StageTransition.opportunity_id.in_(list(first_any)),
            StageTransition.action.in_(FORWARD),
        )
    )
    for opportunity_id, at, action in moves:
        forward[opportunity_id].append(as_utc(at))
        if action == SIGNED:
            wins[opportunity_id].append(as_utc(at))
    windows = {**DEFAULT_WINDOWS, **(windows or {})}
    return [
        effectiveness(
            kind,
            windows.get(kind.value, DEFAULT_WINDOW),
            first_by_type.get(kind.value, {}),
            first_any,
            forward,
            wins,
        )
        for kind in FollowUpType
    ]
