"""Refreshing deal-quality evidence (`pacer capability refresh`, an admin mutation): each of
the last DEAL_PERIODS quarters' closed opportunities, compared rep against unit per segment
(see `deal_rules`), replaces that quarter's deal evidence; then every rep's scores are
recomputed as of the day, so older evidence fades. Running it twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capability.deal_rules import ClosedDeal, deal_quality, recent_quarters
from domain.capability.models import (
    CapabilityEvidence,
    CapabilityScore,
    CapabilitySource,
    ScoreChangeCause,
)
from domain.capability.service import (
    NewEvidence,
    company_day,
    dimensions,
    recompute,
    replace_evidence,
)
from domain.org.models import Rep
from domain.pipeline.models import Account, Opportunity
from domain.pipeline.stages import Stage
from domain.settings import Settings

DEAL_PERIODS = 4


@dataclass(frozen=True)
class RefreshSummary:
    as_of: date
    periods: tuple[str, ...]
    deals: int
    """Closed deals looked at."""
    reps_with_new_evidence: int
    scores_changed: int


async def refresh(session: AsyncSession, settings: Settings, as_of: date) -> RefreshSummary:
    periods = recent_quarters(as_of, DEAL_PERIODS)
    closed = await _closed_deals(session, settings, periods[0].start, as_of)
    rows = []
    for period in periods:
        in_period = [deal for day, deal in closed if period.start <= day <= period.end]
        for found in deal_quality(in_period, dimensions(settings)):
            rows.append(
                NewEvidence(
                    rep_id=found.rep_id,
                    dimension=found.dimension,
                    ref=f"{period.key}:{found.segment}",
                    value=found.value,
                    observed_on=period.end,
                    observations=found.observations,
                    detail={"period": period.key, "segment": found.segment, **found.metrics},
                )
            )
    scope = or_(*(CapabilityEvidence.ref.startswith(f"{period.key}:") for period in periods))
    touched = await replace_evidence(session, CapabilitySource.DEALS, scope, rows)
    everyone = set(
        await session.scalars(
            union(select(CapabilityEvidence.rep_id), select(CapabilityScore.rep_id))
        )
    )
    changed = await recompute(session, settings, everyone, as_of, ScoreChangeCause.DEALS)
    return RefreshSummary(
        as_of=as_of,
        periods=tuple(period.key for period in periods),
        deals=len(closed),
        reps_with_new_evidence=len(touched),
        scores_changed=changed,
    )


async def _closed_deals(
    session: AsyncSession, settings: Settings, start: date, as_of: date
) -> list[tuple[date, ClosedDeal]]:
    """(the day it closed, the deal) for every deal won or lost from `start` to `as_of`."""
    since = datetime.combine(start - timedelta(days=1), time(0), tzinfo=UTC)  # any time zone
    rows = await session.execute(
        select(
            Opportunity.owner_rep_id,
            Rep.unit_id,
            Account.segment,
            Opportunity.stage,
            Opportunity.high_margin,
            Opportunity.created_at,
            Opportunity.won_on,
            Opportunity.stage_entered_at,
        )
        .join(Rep, Rep.id == Opportunity.owner_rep_id)
        .join(Account, Account.id == Opportunity.account_id)
        .where(
            or_(
                and_(Opportunity.stage == Stage.WON.value, Opportunity.won_on >= start),
                and_(Opportunity.stage == Stage.LOST.value, Opportunity.stage_entered_at >= since),
            )
        )
    )
    closed = []
    for rep_id, unit_id, segment, stage, high_margin, created_at, won_on, entered in rows:
        won = stage == Stage.WON.value
        if won and won_on is not None:  # a won deal always has won_on (check constraint)
            day, cycle = won_on, (won_on - company_day(settings, created_at)).days
        else:
            day, cycle = company_day(settings, entered), 1
        if not start <= day <= as_of:
            continue
        deal = ClosedDeal(rep_id, unit_id, segment, won, bool(high_margin), max(cycle, 1))
        closed.append((day, deal))
    return closed
