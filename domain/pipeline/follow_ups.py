"""Logging follow-ups: append-only, every one ending with the customer's status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.errors import InvalidInput, not_found
from domain.kernel.actor import Actor
from domain.kernel.sql import IDS, ids_of
from domain.kernel.text import clean_optional_text, clean_slug, clean_text
from domain.kernel.time import as_utc
from domain.pipeline import checklist as contract_checklist
from domain.pipeline import rules
from domain.pipeline.errors import PipelineError
from domain.pipeline.models import CoOwner, CustomerStatus, FollowUp, FollowUpType, ValuePoint
from domain.pipeline.service import get_opportunity
from domain.pipeline.stages import Stage

NOTES_LENGTH, NEXT_STEP_LENGTH = 2000, 500


@dataclass
class Entry:
    type: FollowUpType
    occurred_at: datetime
    customer_status: str
    customer_responded: bool
    value_points: list[ValuePoint] = field(default_factory=list)
    notes: str | None = None
    next_step: str | None = None
    next_step_due: date | None = None
    corrects_id: int | None = None
    customer_initiated: bool = False  # the customer reached out (an inquiry)


async def log_follow_up(
    session: AsyncSession,
    actor: Actor,
    *,
    opportunity_id: int,
    entry: Entry,
    max_age_days: int,
    now: datetime | None = None,
    checklist: contract_checklist.Checklist | None = None,
) -> FollowUp:
    """With a `checklist`, a started contract approval opens the deal's contract checklist."""
    now = now or utcnow()
    opportunity = await get_opportunity(
        session, actor, opportunity_id, "opportunity_id", with_co_owners=False
    )
    occurred_at = as_utc(entry.occurred_at)
    rules.check_occurred_at(occurred_at, now, max_age_days)
    rules.check_next_step(entry.next_step, entry.next_step_due, occurred_at.date())
    status = await session.get(CustomerStatus, entry.customer_status.strip().lower())
    if status is None or not status.active:
        raise InvalidInput(
            PipelineError.UNKNOWN_CUSTOMER_STATUS,
            "请从客户状态列表中选择",
            "Pick a customer status from the list",
            "customer_status",
        )
    if entry.corrects_id is not None:
        corrected = await session.get(FollowUp, entry.corrects_id)
        if corrected is None or corrected.opportunity_id != opportunity.id:
            raise not_found(
                PipelineError.CORRECTION_NOT_FOUND, "corrects_id", "跟进记录", "follow-up"
            )
    own = actor.rep_id == opportunity.owner_rep_id or await _co_owns(
        session, actor.rep_id, opportunity.id
    )
    follow_up = FollowUp(
        opportunity_id=opportunity.id,
        rep_id=actor.rep_id if own else opportunity.owner_rep_id,
        logged_by_id=actor.user_id or None,
        type=entry.type.value,
        occurred_at=occurred_at,
        logged_at=now,
        value_points=sorted({point.value for point in entry.value_points}),
        customer_status=status.code,
        customer_responded=entry.customer_responded,
        customer_initiated=entry.customer_initiated,
        notes=clean_optional_text(entry.notes, "notes", NOTES_LENGTH),
        next_step=clean_optional_text(entry.next_step, "next_step", NEXT_STEP_LENGTH),
        next_step_due=entry.next_step_due,
        corrects_id=entry.corrects_id,
    )
    session.add(follow_up)
    await session.flush()
    if entry.type == FollowUpType.CONTRACT_APPROVAL_STARTED and opportunity.stage not in (
        Stage.WON.value,
        Stage.LOST.value,
    ):
        await contract_checklist.open_checklist(session, opportunity.id, checklist)
    return follow_up


async def _co_owns(session: AsyncSession, rep_id: int | None, opportunity_id: int) -> bool:
    if rep_id is None:
        return False
    found = await session.scalar(
        select(CoOwner.rep_id).where(
            CoOwner.opportunity_id == opportunity_id, CoOwner.rep_id == rep_id
        )
    )
    return found is not None


_FOLLOW_UPS_OF = (
    select(FollowUp)
    .where(FollowUp.opportunity_id.in_(IDS))
    .order_by(FollowUp.occurred_at, FollowUp.id)
)


async def follow_ups_of(
    session: AsyncSession, opportunity_ids: Iterable[int]
) -> dict[int, list[FollowUp]]:
    """Per opportunity, oldest first by when they happened."""
    result: dict[int, list[FollowUp]] = {}
    for row in await session.scalars(_FOLLOW_UPS_OF, ids_of(opportunity_ids)):
        result.setdefault(row.opportunity_id, []).append(row)
    return result


async def customer_statuses(session: AsyncSession, pack: str | None) -> list[CustomerStatus]:
    stmt = select(CustomerStatus).where(CustomerStatus.active.is_(True))
    if pack:
        stmt = stmt.where(CustomerStatus.pack.in_(["generic", pack]))
    return list(await session.scalars(stmt.order_by(CustomerStatus.pack, CustomerStatus.code)))


async def define_customer_status(
    session: AsyncSession, actor: Actor, *, code: str, label_zh: str, label_en: str, pack: str
) -> CustomerStatus:
    """Add or rename a customer status (in a pack: `generic` or an industry's)."""
    code, pack = clean_slug(code, "code"), clean_slug(pack, "pack")
    label_zh, label_en = clean_text(label_zh, "label_zh", 80), clean_text(label_en, "label_en", 80)
    status = await session.get(CustomerStatus, code)
    if status is None:
        status = CustomerStatus(
            code=code, label_zh=label_zh, label_en=label_en, pack=pack, active=True
        )
        session.add(status)
    else:
        status.label_zh, status.label_en, status.pack, status.active = (
            label_zh,
            label_en,
            pack,
            True,
        )
    await session.flush()
    return status
