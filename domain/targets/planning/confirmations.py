"""Two confirmations before a business coefficient applies: the director's (company-wide)
and the regional head's (a director or manager whose scope is a region), by two people.

A coefficient nobody has confirmed yet is listed but left out of every baseline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.errors import Conflict, Forbidden, not_found
from domain.kernel.actor import Actor, Role
from domain.labels import LabelledEnum, register
from domain.org.models import OrgUnit, OrgUnitKind
from domain.org.rules import path_depth
from domain.targets.errors import TargetError
from domain.targets.models import BusinessCoefficient


@register
class Confirmer(LabelledEnum):
    DIRECTOR = ("director", "销售总监", "Sales director")
    REGIONAL_HEAD = ("regional_head", "大区负责人", "Regional head")


def may_confirm(actor: Actor, capacity: Confirmer, scope_kind: str | None) -> bool:
    """Pure: the director confirms from a company-wide scope, the regional head from a
    region's (as its director or manager)."""
    if capacity == Confirmer.DIRECTOR:
        return actor.has(Role.DIRECTOR) and (
            actor.scope_path is not None and path_depth(actor.scope_path) == 0
        )
    return actor.has(Role.DIRECTOR, Role.MANAGER) and scope_kind == OrgUnitKind.REGION.value


def check_confirmation(row: BusinessCoefficient, capacity: Confirmer, may: bool) -> None:
    """Pure: the rules of one confirmation, in the order they are reported. The two
    confirmations always come from two people: no scope is both company-wide and a region's."""
    if not may:
        raise Forbidden(
            TargetError.NOT_A_CONFIRMER,
            f"只有{capacity.label_zh}可以以此身份确认业务系数",
            f"Only the {capacity.label_en.lower()} can confirm in this capacity",
            "capacity",
        )
    mine, _ = _slots(capacity)
    if getattr(row, f"{mine}_at") is not None:
        raise Conflict(
            TargetError.ALREADY_CONFIRMED,
            f"业务系数“{row.name}”已有{capacity.label_zh}的确认",
            f"“{row.name}” is already confirmed by the {capacity.label_en.lower()}",
            "capacity",
        )


def _slots(capacity: Confirmer) -> tuple[str, str]:
    pair = ("director_confirmed", "regional_confirmed")
    return pair if capacity == Confirmer.DIRECTOR else (pair[1], pair[0])


async def confirm_business_coefficient(
    session: AsyncSession,
    actor: Actor,
    *,
    coefficient_id: int,
    capacity: Confirmer,
    now: datetime | None = None,
) -> BusinessCoefficient:
    row = await session.get(BusinessCoefficient, coefficient_id)
    if row is None:
        raise not_found(TargetError.COEFFICIENT_NOT_FOUND, "id", "业务系数", "business coefficient")
    scope_kind = None
    if actor.scope_path is not None:
        scope_kind = await session.scalar(
            select(OrgUnit.kind).where(OrgUnit.path == actor.scope_path)
        )
    check_confirmation(row, capacity, may_confirm(actor, capacity, scope_kind))
    mine, _ = _slots(capacity)
    setattr(row, f"{mine}_at", now or utcnow())
    setattr(row, f"{mine}_by_id", actor.user_id)
    await session.flush()
    return row
