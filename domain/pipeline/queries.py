"""Reads of the pipeline: lists and the batch loaders behind the GraphQL relations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.actor import Actor
from domain.kernel.sql import IDS, by_ids, ids_of, rows_by_ids
from domain.org.models import OrgUnit, Rep
from domain.org.service import units_in_subtree
from domain.paging import fetch_page
from domain.pipeline.models import CoOwner, LossReason, Opportunity, StageTransition
from domain.pipeline.service import opportunity_visible
from domain.pipeline.stages import OPEN_STAGES, Stage


@dataclass(frozen=True)
class OpportunityFilter:
    owner_rep_id: int | None = None
    unit_id: int | None = None
    stage: Stage | None = None
    open_only: bool = False


async def list_opportunities(
    session: AsyncSession,
    actor: Actor,
    filters: OpportunityFilter,
    after_id: int | None,
    first: int,
):
    stmt = select(Opportunity).where(opportunity_visible(actor))
    if filters.owner_rep_id is not None:
        stmt = stmt.where(Opportunity.owner_rep_id == filters.owner_rep_id)
    if filters.unit_id is not None:
        root = await session.get(OrgUnit, filters.unit_id)
        subtree = units_in_subtree(root.path if root else "\0")
        stmt = stmt.where(
            Opportunity.owner_rep_id.in_(select(Rep.id).where(Rep.unit_id.in_(subtree)))
        )
    if filters.stage is not None:
        stmt = stmt.where(Opportunity.stage == filters.stage.value)
    if filters.open_only:
        stmt = stmt.where(Opportunity.stage.in_([s.value for s in OPEN_STAGES]))
    return await fetch_page(session, stmt, Opportunity.id, after_id, first)


_CO_OWNERS_OF = (
    select(CoOwner.opportunity_id, CoOwner.rep_id)
    .where(CoOwner.opportunity_id.in_(IDS))
    .order_by(CoOwner.rep_id)
)
_TRANSITIONS_OF = (
    select(StageTransition)
    .where(StageTransition.opportunity_id.in_(IDS))
    .order_by(StageTransition.id)
)


async def co_owners_of(
    session: AsyncSession, opportunity_ids: Iterable[int]
) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {}
    for opportunity_id, rep_id in await session.execute(_CO_OWNERS_OF, ids_of(opportunity_ids)):
        result.setdefault(opportunity_id, []).append(rep_id)
    return result


async def transitions_of(
    session: AsyncSession, opportunity_ids: Iterable[int]
) -> dict[int, list[StageTransition]]:
    result: dict[int, list[StageTransition]] = {}
    for row in await session.scalars(_TRANSITIONS_OF, ids_of(opportunity_ids)):
        result.setdefault(row.opportunity_id, []).append(row)
    return result


async def loss_reasons(session: AsyncSession) -> list[LossReason]:
    return list(
        await session.scalars(
            select(LossReason).where(LossReason.active.is_(True)).order_by(LossReason.code)
        )
    )


_OPPORTUNITIES_BY_IDS = by_ids(Opportunity, opportunity_visible)


async def opportunities_by_ids(session: AsyncSession, actor: Actor, ids: Iterable[int]):
    return await rows_by_ids(session, _OPPORTUNITIES_BY_IDS(actor), ids)
