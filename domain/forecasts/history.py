"""Deal histories read from the pipeline for the win-probability model: the closed deals it
learns from, and the open deals it scores (a few statements per batch, never one per deal)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.forecasts.features import (
    LOST,
    WON,
    DealHistory,
    FollowUpMark,
    Snapshot,
    live_follow_ups,
    open_snapshot,
)
from domain.kernel.time import as_utc
from domain.pipeline.models import Account, FollowUp, Opportunity, StageTransition

CHUNK = 5_000  # ids per IN list


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for begin in range(0, len(ids), CHUNK):
        yield list(ids[begin : begin + CHUNK])


async def closed_histories(
    session: AsyncSession, *, since: datetime, until: datetime
) -> list[DealHistory]:
    """Every deal won or lost in [since, until), with its moves and follow-ups."""
    closed = select(Opportunity.id).where(
        Opportunity.stage.in_((WON, LOST)),
        Opportunity.stage_entered_at >= since,
        Opportunity.stage_entered_at < until,
    )
    deals = (
        await session.execute(
            select(
                Opportunity.id,
                Opportunity.owner_rep_id,
                Opportunity.amount,
                Account.segment,
                Opportunity.source_lead,
                Opportunity.created_at,
            )
            .join(Account, Account.id == Opportunity.account_id)
            .where(Opportunity.id.in_(closed))
            .order_by(Opportunity.id)
        )
    ).all()
    moves: dict[int, list[tuple[str, datetime]]] = {}
    for opportunity_id, stage, at in await session.execute(
        select(StageTransition.opportunity_id, StageTransition.to_stage, StageTransition.at)
        .where(StageTransition.opportunity_id.in_(closed))
        .order_by(StageTransition.opportunity_id, StageTransition.at, StageTransition.id)
    ):
        moves.setdefault(opportunity_id, []).append((stage, as_utc(at)))
    marks = live_follow_ups(
        await session.execute(
            select(
                FollowUp.id,
                FollowUp.opportunity_id,
                FollowUp.occurred_at,
                FollowUp.value_points,
                FollowUp.corrects_id,
            ).where(FollowUp.opportunity_id.in_(closed))
        )
    )
    return [
        DealHistory(
            id=row.id,
            owner_rep_id=row.owner_rep_id,
            amount=row.amount,
            segment=row.segment,
            source=row.source_lead,
            created_at=as_utc(row.created_at),
            moves=tuple(moves.get(row.id, ())),
            follow_ups=_utc(marks.get(row.id, ())),
        )
        for row in deals
        if moves.get(row.id)
    ]


async def open_snapshots(
    session: AsyncSession, opportunities: Sequence[Opportunity], now: datetime
) -> dict[int, Snapshot]:
    """Per open opportunity, how it stands `now` (three statements per CHUNK of deals)."""
    if not opportunities:
        return {}
    ids = [opp.id for opp in opportunities]
    segments: dict[int, str] = {}
    marks: dict[int, tuple[FollowUpMark, ...]] = {}
    accounts = {opp.id: opp.account_id for opp in opportunities}
    for chunk in _chunks(ids):
        account_ids = sorted({accounts[key] for key in chunk})
        rows = await session.execute(
            select(Account.id, Account.segment).where(Account.id.in_(account_ids))
        )
        segments.update((account_id, segment) for account_id, segment in rows)
        marks.update(
            live_follow_ups(
                await session.execute(
                    select(
                        FollowUp.id,
                        FollowUp.opportunity_id,
                        FollowUp.occurred_at,
                        FollowUp.value_points,
                        FollowUp.corrects_id,
                    ).where(FollowUp.opportunity_id.in_(chunk))
                )
            )
        )
    records = await owner_records(session, {opp.owner_rep_id for opp in opportunities})
    snapshots = {}
    for opp in opportunities:
        deal = DealHistory(
            id=opp.id,
            owner_rep_id=opp.owner_rep_id,
            amount=opp.amount,
            segment=segments.get(opp.account_id, "unknown"),
            source=opp.source_lead,
            created_at=as_utc(opp.created_at),
            moves=(),
            follow_ups=_utc(marks.get(opp.id, ())),
        )
        entered = as_utc(opp.stage_entered_at)
        snapshots[opp.id] = open_snapshot(
            deal, opp.stage, entered, max(now, entered), records.get(opp.owner_rep_id, (0, 0))
        )
    return snapshots


async def owner_records(session: AsyncSession, owners: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Per rep, how many of their deals are won and lost."""
    owners = sorted(set(owners))
    records: dict[int, list[int]] = {owner: [0, 0] for owner in owners}
    for chunk in _chunks(owners):
        rows = await session.execute(
            select(Opportunity.owner_rep_id, Opportunity.stage, func.count())
            .where(Opportunity.owner_rep_id.in_(chunk), Opportunity.stage.in_((WON, LOST)))
            .group_by(Opportunity.owner_rep_id, Opportunity.stage)
        )
        for owner, stage, count in rows:
            records[owner][0 if stage == WON else 1] += count
    return {owner: (won, lost) for owner, (won, lost) in records.items()}


def _utc(marks: Iterable[FollowUpMark]) -> tuple[FollowUpMark, ...]:
    return tuple(FollowUpMark(as_utc(mark.at), mark.value_points) for mark in marks)
