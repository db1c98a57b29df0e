"""The funnel of a scope and period, and the pipeline inputs of the health dashboard:
counts and conversions per stage, time in stage, win rate, lead→qualified cycle, effective
follow-up rate, stale key opportunities, losses by lead source, overdue payments."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.actor import Actor
from domain.kernel.time import as_utc, check_forwards, utc_day_bounds
from domain.org.models import OrgUnit, Rep
from domain.org.service import units_in_subtree
from domain.pipeline.models import Account, FollowUp, Opportunity, Payment, StageTransition
from domain.pipeline.service import opportunity_visible
from domain.pipeline.stages import OPEN_STAGES, Stage

DAY = 86_400


@dataclass(frozen=True)
class StageRow:
    stage: Stage
    reached: int
    conversion_to_next: float | None
    median_days_in_stage: float | None


@dataclass
class Funnel:
    stages: list[StageRow] = field(default_factory=list)
    won: int = 0
    lost: int = 0
    lead_to_qualified_median_days: float | None = None
    follow_ups: int = 0
    value_follow_ups: int = 0
    stale_key_opportunities: list[Opportunity] = field(default_factory=list)
    losses_by_source: dict[tuple[str, str], int] = field(default_factory=dict)
    overdue_payments: list[tuple[Opportunity, int, date]] = field(default_factory=list)

    @property
    def win_rate(self) -> float | None:
        closed = self.won + self.lost
        return self.won / closed if closed else None

    @property
    def effective_follow_up_rate(self) -> float | None:
        return self.value_follow_ups / self.follow_ups if self.follow_ups else None


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def stage_rows(reached: Counter, days_in: dict[Stage, list[float]]) -> list[StageRow]:
    """Reached per stage and the conversion to the next one."""
    rows = []
    for index, stage in enumerate(OPEN_STAGES):
        following = OPEN_STAGES[index + 1] if index + 1 < len(OPEN_STAGES) else Stage.WON
        count = reached[stage]
        rows.append(
            StageRow(
                stage,
                count,
                reached[following] / count if count else None,
                median(days_in.get(stage, [])),
            )
        )
    return rows


async def funnel(
    session: AsyncSession,
    actor: Actor,
    *,
    start: date,
    end: date,
    today: date,
    timezone: str,
    unit_id: int | None = None,
    stale_after_days: int = 7,
    payment_terms_days: int = 30,
) -> Funnel:
    """Opportunities created in [start, end] in the actor's scope (or a unit's subtree)."""
    check_forwards(start, end)
    zone = ZoneInfo(timezone)
    begin, finish = utc_day_bounds(start, end, zone)
    stmt = select(Opportunity).where(
        opportunity_visible(actor), Opportunity.created_at >= begin, Opportunity.created_at < finish
    )
    reps = None
    if unit_id is not None:
        root = await session.get(OrgUnit, unit_id)
        reps = select(Rep.id).where(Rep.unit_id.in_(units_in_subtree(root.path if root else "\0")))
        stmt = stmt.where(Opportunity.owner_rep_id.in_(reps))
    opportunities = list(await session.scalars(stmt))
    ids = [o.id for o in opportunities]
    history: dict[int, list[StageTransition]] = defaultdict(list)
    for row in await session.scalars(
        select(StageTransition)
        .where(StageTransition.opportunity_id.in_(ids))
        .order_by(StageTransition.id)
    ):
        history[row.opportunity_id].append(row)
    result = Funnel()
    reached: Counter = Counter()
    days_in: dict[Stage, list[float]] = defaultdict(list)
    cycles = []
    for opportunity in opportunities:
        moves = history[opportunity.id]
        for stage in {Stage(m.to_stage) for m in moves}:
            reached[stage] += 1
        for move in moves:
            if move.from_stage and move.seconds_in_previous is not None:
                days_in[Stage(move.from_stage)].append(move.seconds_in_previous / DAY)
        qualified = next((m for m in moves if m.to_stage == Stage.QUALIFIED.value), None)
        if qualified is not None:
            cycles.append(
                (as_utc(qualified.at) - as_utc(opportunity.created_at)).total_seconds() / DAY
            )
        if opportunity.stage == Stage.WON.value:
            result.won += 1
        elif opportunity.stage == Stage.LOST.value:
            result.lost += 1
            # a lost deal always has its reason (check constraint lost_has_reason)
            key = (opportunity.source_lead or "unknown", opportunity.loss_reason_code or "unknown")
            result.losses_by_source[key] = result.losses_by_source.get(key, 0) + 1
    result.stages = stage_rows(reached, days_in)
    result.lead_to_qualified_median_days = median(cycles)
    await _follow_up_rates(session, result, ids, begin, finish)
    await _stale_key(session, result, opportunities, today, zone, stale_after_days)
    await _overdue(session, result, opportunities, today, payment_terms_days)
    return result


async def _follow_up_rates(session, result: Funnel, ids, begin, finish) -> None:
    rows = await session.execute(
        select(FollowUp.value_points).where(
            FollowUp.opportunity_id.in_(ids),
            FollowUp.occurred_at >= begin,
            FollowUp.occurred_at < finish,
        )
    )
    for (points,) in rows:
        result.follow_ups += 1
        result.value_follow_ups += bool(points)


async def _stale_key(session, result: Funnel, opportunities, today, zone, days: int) -> None:
    """Open opportunities of high-value accounts without a customer response for `days`."""
    open_ids = [o.id for o in opportunities if Stage(o.stage).is_open]
    key_accounts = set(
        await session.scalars(
            select(Account.id).where(
                Account.high_value.is_(True),
                Account.id.in_({o.account_id for o in opportunities}),
            )
        )
    )
    responses = dict(
        (
            await session.execute(
                select(FollowUp.opportunity_id, func.max(FollowUp.occurred_at))
                .where(FollowUp.opportunity_id.in_(open_ids), FollowUp.customer_responded)
                .group_by(FollowUp.opportunity_id)
            )
        ).all()
    )
    cutoff = as_utc(datetime.combine(today, datetime.min.time(), zone)) - timedelta(days=days)
    for opportunity in opportunities:
        if opportunity.id not in open_ids or opportunity.account_id not in key_accounts:
            continue
        last = responses.get(opportunity.id) or opportunity.created_at
        if as_utc(last) < cutoff:
            result.stale_key_opportunities.append(opportunity)


async def _overdue(session, result: Funnel, opportunities, today, terms: int) -> None:
    """Won deals not fully paid `terms` days after signing."""
    won = [o for o in opportunities if o.stage == Stage.WON.value]
    paid = dict(
        (
            await session.execute(
                select(Payment.opportunity_id, func.sum(Payment.amount))
                .where(Payment.opportunity_id.in_([o.id for o in won]))
                .group_by(Payment.opportunity_id)
            )
        ).all()
    )
    for opportunity in won:
        due = opportunity.won_on + timedelta(days=terms)
        outstanding = opportunity.won_amount - int(paid.get(opportunity.id) or 0)
        if due < today and outstanding > 0:
            result.overdue_payments.append((opportunity, outstanding, due))
