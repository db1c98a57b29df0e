"""Checking the items of a deal's contract checklist (see domain.pipeline.checklist)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.errors import Conflict, not_found
from domain.kernel.actor import Actor
from domain.kernel.text import clean_optional_text
from domain.pipeline.errors import PipelineError
from domain.pipeline.models import ContractChecklistItem
from domain.pipeline.service import get_opportunity
from domain.pipeline.stages import Stage


async def check_item(
    session: AsyncSession,
    actor: Actor,
    *,
    opportunity_id: int,
    code: str,
    note: str | None = None,
    now: datetime | None = None,
) -> ContractChecklistItem:
    """Tick one item of an open deal's checklist; who and when are kept."""
    opportunity = await get_opportunity(session, actor, opportunity_id, "opportunity_id")
    if not Stage(opportunity.stage).is_open:
        raise Conflict(
            PipelineError.CLOSED,
            "商机已关闭，清单不能再修改",
            "The deal is closed; its checklist can no longer change",
            "opportunity_id",
        )
    item = await session.scalar(
        select(ContractChecklistItem).where(
            ContractChecklistItem.opportunity_id == opportunity.id,
            ContractChecklistItem.code == code.strip().lower(),
        )
    )
    if item is None:
        raise not_found(PipelineError.CHECKLIST_ITEM_NOT_FOUND, "code", "清单项", "checklist item")
    if item.checked_at is not None:
        raise Conflict(
            PipelineError.ALREADY_CHECKED,
            f"“{item.label_zh}”已经勾选过了",
            f"“{item.label_en}” is already checked",
            "code",
        )
    item.note = clean_optional_text(note, "note", 2000)
    item.checked_at = now or utcnow()
    item.checked_by_user_id = actor.user_id or None
    await session.flush()
    return item
