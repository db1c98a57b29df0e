"""Payments received for won deals: they feed the collections metric and each account's
lifetime value."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Conflict, InvalidInput
from domain.kernel.actor import Actor
from domain.pipeline import checklist as contract_checklist
from domain.pipeline.errors import PipelineError
from domain.pipeline.models import Opportunity, Payment
from domain.pipeline.service import get_opportunity
from domain.pipeline.stages import Stage


async def record_payment(
    session: AsyncSession,
    actor: Actor,
    *,
    opportunity_id: int,
    amount: int,
    received_on: date,
    today: date,
) -> Payment:
    opportunity = await get_opportunity(session, actor, opportunity_id, "opportunity_id")
    if (
        opportunity.stage != Stage.WON.value
        or opportunity.won_on is None  # both set on every won deal (check constraint)
        or opportunity.won_amount is None
    ):
        raise Conflict(
            PipelineError.NOT_WON,
            "只有赢单的商机才能登记回款",
            "Payments are recorded on won deals only",
            "opportunity_id",
        )
    if amount <= 0:
        raise InvalidInput(
            PipelineError.INVALID_AMOUNT,
            "回款金额必须大于零",
            "The amount must be above zero",
            "amount",
        )
    if received_on > today or received_on < opportunity.won_on:
        raise InvalidInput(
            PipelineError.INVALID_DATE,
            "回款日期必须在签约日之后、今天之前",
            "The payment must be received between the signing date and today",
            "received_on",
        )
    paid = (
        await session.execute(
            select(func.coalesce(func.sum(Payment.amount), 0)).where(
                Payment.opportunity_id == opportunity.id
            )
        )
    ).scalar_one()
    if paid + amount > opportunity.won_amount:
        raise InvalidInput(
            PipelineError.OVERPAID,
            "回款合计超过签约金额",
            "Payments would exceed the signed amount",
            "amount",
        )
    payment = Payment(
        opportunity_id=opportunity.id,
        amount=amount,
        received_on=received_on,
        recorded_by_id=actor.user_id or None,
    )
    session.add(payment)
    await session.flush()
    # the contract is complete: lifetime value (the account's payments) has grown by it,
    # and the customer is handed over to service
    await contract_checklist.after_payment(session, opportunity, paid, payment)
    return payment


async def paid_by_opportunity(
    session: AsyncSession, opportunity_ids: Iterable[int]
) -> dict[int, int]:
    rows = await session.execute(
        select(Payment.opportunity_id, func.sum(Payment.amount))
        .where(Payment.opportunity_id.in_(set(opportunity_ids)))
        .group_by(Payment.opportunity_id)
    )
    return {opportunity_id: int(total) for opportunity_id, total in rows}


async def lifetime_values(session: AsyncSession, account_ids: Iterable[int]) -> dict[int, int]:
    """Money received from each account over all its deals."""
    rows = await session.execute(
        select(Opportunity.account_id, func.sum(Payment.amount))
        .join(Opportunity, Opportunity.id == Payment.opportunity_id)
        .where(Opportunity.account_id.in_(set(account_ids)))
        .group_by(Opportunity.account_id)
    )
    return {account_id: int(total) for account_id, total in rows}
