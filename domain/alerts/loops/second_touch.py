"""Second touch: material sent to a customer (a whitepaper, a proposal or quote) and no
response from that customer since, once 24 working hours have passed, raises a suggestion
to the deal's owner — what was sent, a hint, and the customer's recent follow-ups — once per
sending. The customer answering (any later follow-up on the account's deals where the
customer responded or reached out, or the sending itself recording a response) means no
suggestion; an open suggestion whose customer has answered since is closed as done.

Only the latest sending per deal within the lookback is watched: a newer one supersedes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select

from domain.alerts.loops import rules
from domain.alerts.loops.follow_ups import follow_up_facts, not_corrected
from domain.alerts.loops.tasks import LoopContext, open_task
from domain.alerts.models import AlertTask, TaskKind
from domain.alerts.signals import end_of_day
from domain.db import utcnow
from domain.kernel.time import as_utc
from domain.org.models import Rep, RepStatus, User
from domain.pipeline.models import Account, FollowUp, FollowUpType, Opportunity
from domain.pipeline.stages import Stage

RECENT = 5
ANSWERED = ("客户已回应", "the customer responded")


async def run_second_touch(ctx: LoopContext) -> None:
    session, th = ctx.session, ctx.th
    cutoff = end_of_day(ctx.day, ctx.zone)
    since = cutoff - timedelta(days=th.second_touch_lookback_days)
    rows = (
        await session.execute(
            select(FollowUp, Opportunity, Account, Rep)
            .join(Opportunity, Opportunity.id == FollowUp.opportunity_id)
            .join(Account, Account.id == Opportunity.account_id)
            .join(Rep, Rep.id == Opportunity.owner_rep_id)
            .where(
                FollowUp.type.in_(rules.MATERIAL_TYPES),
                FollowUp.occurred_at >= since,
                FollowUp.occurred_at < cutoff,
                Opportunity.stage.not_in([Stage.WON.value, Stage.LOST.value]),
                Rep.status == RepStatus.ACTIVE.value,
                not_corrected(),
            )
            .order_by(FollowUp.occurred_at, FollowUp.id)
        )
    ).all()
    latest = {row[1].id: row for row in rows}  # the latest sending per deal
    responses = await last_responses(ctx, {row[2].id for row in latest.values()}, cutoff)
    await _close_answered(ctx, cutoff)
    users = await _users_of(ctx, {row[3].id for row in latest.values()})
    for sent, opportunity, account, owner in latest.values():
        at = as_utc(sent.occurred_at)
        answered = sent.customer_responded or _after(responses.get(account.id), at)
        waited = rules.working_hours_between(at, cutoff, ctx.zone, ctx.calendar.is_working)
        if not rules.second_touch_due(waited, answered, th):
            continue
        kind = FollowUpType(sent.type)
        hint_zh, hint_en = rules.SECOND_TOUCH_HINTS.get(sent.type, ("", ""))
        details = {
            "sent": {**follow_up_facts(sent), "label": {"zh": kind.label_zh, "en": kind.label_en}},
            "opportunity": {"id": opportunity.id, "title": opportunity.title},
            "account": {"id": account.id, "name": account.name},
            "waited_working_hours": round(waited, 1),
            "threshold_hours": th.second_touch_hours,
            "hint": {"zh": hint_zh, "en": hint_en},
            "recent_follow_ups": await _recent(ctx, account.id, cutoff),
        }
        await open_task(
            ctx,
            kind=TaskKind.SECOND_TOUCH,
            key=f"second_touch:{sent.id}",
            unit_id=owner.unit_id,
            rep_id=owner.id,
            assignee=users.get(owner.id),
            details=details,
            due_days=1,
        )


def _after(moment: datetime | None, sent: datetime) -> bool:
    return moment is not None and as_utc(moment) > sent


async def last_responses(ctx: LoopContext, account_ids, cutoff: datetime) -> dict[int, datetime]:
    """Per account, the last follow-up before `cutoff` where the customer answered or asked."""
    if not account_ids:
        return {}
    rows = await ctx.session.execute(
        select(Opportunity.account_id, func.max(FollowUp.occurred_at))
        .join(Opportunity, Opportunity.id == FollowUp.opportunity_id)
        .where(
            Opportunity.account_id.in_(account_ids),
            or_(FollowUp.customer_responded.is_(True), FollowUp.customer_initiated.is_(True)),
            FollowUp.occurred_at < cutoff,
            not_corrected(),
        )
        .group_by(Opportunity.account_id)
    )
    return {account_id: as_utc(at) for account_id, at in rows}


async def _close_answered(ctx: LoopContext, cutoff: datetime) -> None:
    """Open suggestions whose customer has answered since the sending: done."""
    open_tasks = list(
        await ctx.session.scalars(
            select(AlertTask).where(
                AlertTask.kind == TaskKind.SECOND_TOUCH.value, AlertTask.completed_at.is_(None)
            )
        )
    )
    details = [(t, t.details or {}) for t in open_tasks]
    accounts = {d.get("account", {}).get("id") for _, d in details} - {None}
    responses = await last_responses(ctx, accounts, cutoff)
    for task, facts in details:
        sent = datetime.fromisoformat(facts["sent"]["occurred_at"])
        if _after(responses.get(facts["account"]["id"]), as_utc(sent)):
            task.completed_at = utcnow()
            task.outcome = " / ".join(ANSWERED)
            ctx.counts["loop_closed"] += 1


async def _recent(ctx: LoopContext, account_id: int, cutoff: datetime) -> list[dict[str, Any]]:
    rows = await ctx.session.execute(
        select(FollowUp, Opportunity.title)
        .join(Opportunity, Opportunity.id == FollowUp.opportunity_id)
        .where(Opportunity.account_id == account_id, FollowUp.occurred_at < cutoff, not_corrected())
        .order_by(FollowUp.occurred_at.desc(), FollowUp.id.desc())
        .limit(RECENT)
    )
    return [follow_up_facts(f, title) for f, title in rows]


async def _users_of(ctx: LoopContext, rep_ids) -> dict[int, User]:
    if not rep_ids:
        return {}
    rows = await ctx.session.scalars(
        select(User).where(User.rep_id.in_(rep_ids), User.active.is_(True))
    )
    return {u.rep_id: u for u in rows if u.rep_id is not None}
