"""Dashboard actions: each team's health indicators over the rolling window (and the high-
value customers' inquiries over the last complete months), and the task each indicator
past its action threshold opens — once per team, indicator and month. A loop of the daily
alert run (domain/alerts/loops) that this context adds to it: `DASHBOARD_LOOPS`, passed by
whoever starts the run (the alerts context sits below health and cannot call it).

A team is a unit with reps of its own; its indicators cover its subtree, as the dashboard's
do. The follow-up review carries the team's top customers (by the amount of their deals not
lost) with their latest follow-ups in the window, for the manager to go through."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from domain.alerts.loops import rules
from domain.alerts.loops.follow_ups import follow_up_facts, not_corrected
from domain.alerts.loops.tasks import LoopContext, open_task
from domain.alerts.models import TaskKind
from domain.health.indicators import measure, subtree_reps
from domain.kernel.time import utc_day_bounds
from domain.org.models import OrgUnit, Rep
from domain.pipeline.models import Account, FollowUp, Opportunity
from domain.pipeline.stages import Stage

LATEST_PER_CUSTOMER = 3


async def teams(ctx: LoopContext) -> list[OrgUnit]:
    """Units with reps of their own, by id."""
    with_reps = select(Rep.unit_id).distinct()
    return list(
        await ctx.session.scalars(
            select(OrgUnit).where(OrgUnit.id.in_(with_reps)).order_by(OrgUnit.id)
        )
    )


def _values(ctx: LoopContext, unit: OrgUnit, start, end) -> dict[str, Any]:
    begin, finish = utc_day_bounds(start, end, ctx.zone)
    return {"path": unit.path, "begin": begin, "finish": finish, "start": start, "end": end}


async def run_dashboard_actions(ctx: LoopContext) -> None:
    th = ctx.th
    start = ctx.day - timedelta(days=th.window_days - 1)
    months = rules.complete_months_before(ctx.day, th.inquiry_months)
    for unit in await teams(ctx):
        values = _values(ctx, unit, start, ctx.day)
        m = await measure(ctx.session, values)
        reading = rules.Reading(
            follow_ups=m.follow_ups,
            delivered=m.delivered,
            cycle_median=m.cycle,
            qualified=m.qualified,
            spread=m.spread,
            new_reps=m.new_reps,
        )
        window = {"window": {"from": start, "to": ctx.day}, "unit": unit.name}
        for action in rules.dashboard_actions(reading, th):
            details = {**window, **action.details}
            if action.kind == TaskKind.FOLLOW_UP_REVIEW:
                details["top_customers"] = await top_customers(ctx, values)
            if action.kind == TaskKind.MENTORING_AUDIT:
                details["first_deal_days"] = m.first_deal_days
            await open_task(
                ctx,
                kind=action.kind,
                key=rules.health_key(action.kind, unit.id, ctx.day),
                unit_id=unit.id,
                details=details,
            )
        per_month = []
        for first in months:
            last = rules.month_end(first) - timedelta(days=1)
            counted = await measure(ctx.session, _values(ctx, unit, first, last))
            per_month.append((first, counted.asked, counted.accounts))
        inquiry = rules.inquiry_action(per_month, th)
        if inquiry is not None:
            await open_task(
                ctx,
                kind=inquiry.kind,
                key=rules.health_key(inquiry.kind, unit.id, months[-1]),
                unit_id=unit.id,
                details={"unit": unit.name, **inquiry.details},
            )


async def top_customers(ctx: LoopContext, values: dict[str, Any]) -> list[dict[str, Any]]:
    """The team's top customers by the amount of their deals not lost, each with its latest
    follow-ups in the window (newest first)."""
    session, th = ctx.session, ctx.th
    ranked = (
        await session.execute(
            select(Account.id, Account.name, func.sum(Opportunity.amount).label("amount"))
            .join(Opportunity, Opportunity.account_id == Account.id)
            .where(
                Account.owner_rep_id.in_(subtree_reps()),
                Opportunity.stage != Stage.LOST.value,
            )
            .group_by(Account.id, Account.name)
            .order_by(func.sum(Opportunity.amount).desc(), Account.id)
            .limit(th.top_customers),
            values,
        )
    ).all()
    ids = [row.id for row in ranked]
    latest: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    rows = await session.execute(
        select(FollowUp, Opportunity.account_id, Opportunity.title)
        .join(Opportunity, Opportunity.id == FollowUp.opportunity_id)
        .where(
            Opportunity.account_id.in_(ids),
            FollowUp.occurred_at >= values["begin"],
            FollowUp.occurred_at < values["finish"],
            not_corrected(),
        )
        .order_by(FollowUp.occurred_at.desc(), FollowUp.id.desc())
    )
    for follow_up, account_id, title in rows:
        if len(latest[account_id]) < LATEST_PER_CUSTOMER:
            latest[account_id].append(follow_up_facts(follow_up, title))
    return [
        {"account_id": r.id, "account": r.name, "amount": int(r.amount), "follow_ups": latest[r.id]}
        for r in ranked
    ]


# What the callers of the daily run (`pacer alerts run`, `runAlerts`, the demo) add to it.
DASHBOARD_LOOPS = (run_dashboard_actions,)
