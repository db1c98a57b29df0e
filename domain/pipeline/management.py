"""What only a manager does to an opportunity: reopen a closed deal, hand a deal over."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import InvalidInput
from domain.kernel.actor import Actor
from domain.org.models import RepStatus
from domain.pipeline import rules
from domain.pipeline.errors import PipelineError
from domain.pipeline.models import Opportunity, OwnerChange, StageTransition
from domain.pipeline.service import get_opportunity, move_stage, require_manager_of, visible_rep
from domain.pipeline.stages import Move, Stage
from domain.versioning import check_version, flush_versioned


async def reopen(
    session: AsyncSession,
    actor: Actor,
    *,
    opportunity_id: int,
    expected_version: int,
    reason: str,
    to_stage: Stage | None,
    gates: rules.Gates,
) -> Opportunity:
    """A manager reopens a closed deal, by default into the stage it was closed from; the
    gates up to that stage must hold."""
    reason = rules.clean_required_reason(reason)
    opportunity = await get_opportunity(session, actor, opportunity_id)
    check_version(opportunity, expected_version)
    await require_manager_of(session, actor, opportunity.owner_rep_id)
    if Stage(opportunity.stage).is_open:
        raise InvalidInput(
            PipelineError.NOT_CLOSED, "商机尚未关闭", "The opportunity is not closed", "id"
        )
    if to_stage is None:
        last = await session.scalar(
            select(StageTransition.from_stage)
            .where(StageTransition.opportunity_id == opportunity.id)
            .order_by(StageTransition.id.desc())
            .limit(1)
        )
        to_stage = Stage(last) if last else Stage.NEGOTIATION
    rules.check_move(Move.REOPEN, Stage(opportunity.stage), to_stage)
    rules.check_gates_up_to(gates, to_stage, opportunity.qualification)
    opportunity.won_amount = opportunity.won_on = None
    opportunity.loss_reason_code = opportunity.loss_note = None
    return await move_stage(session, actor, opportunity, to_stage, Move.REOPEN, reason)


async def reassign(
    session: AsyncSession,
    actor: Actor,
    *,
    opportunity_id: int,
    expected_version: int,
    new_owner_rep_id: int,
    reason: str,
) -> Opportunity:
    reason = rules.clean_required_reason(reason)
    opportunity = await get_opportunity(session, actor, opportunity_id)
    check_version(opportunity, expected_version)
    await require_manager_of(session, actor, opportunity.owner_rep_id)
    new_owner = await visible_rep(session, actor, new_owner_rep_id, "new_owner_id")
    if new_owner.id == opportunity.owner_rep_id:
        raise InvalidInput(
            PipelineError.SAME_OWNER,
            "已经是该销售代表负责",
            "That rep already owns it",
            "new_owner_id",
        )
    if new_owner.status != RepStatus.ACTIVE.value:
        raise InvalidInput(
            PipelineError.REP_NOT_ACTIVE,
            "该销售代表不在岗",
            "That rep is not active",
            "new_owner_id",
        )
    session.add(
        OwnerChange(
            opportunity_id=opportunity.id,
            from_rep_id=opportunity.owner_rep_id,
            to_rep_id=new_owner.id,
            actor_user_id=actor.user_id or None,
            reason=reason,
        )
    )
    opportunity.owner_rep_id = new_owner.id
    opportunity.co_owners = [c for c in opportunity.co_owners if c.rep_id != new_owner.id]
    await flush_versioned(session)
    return opportunity
