"""Reads of the org tree and reps: the lists and the batch loaders behind the GraphQL
relations, each within the actor's scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, false, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import raiseload

from domain.kernel.actor import Actor, per_actor
from domain.kernel.sql import IDS, by_ids, ids_of, rows_by_ids
from domain.org.models import (
    OrgUnit,
    OrgUnitKind,
    Rep,
    RepLevel,
    RepSpecialty,
    RepStatus,
    RepTerritory,
)
from domain.org.service import rep_visible, unit_visible, units_in_subtree
from domain.paging import Page, fetch_page

# --- org units --------------------------------------------------------------------------


_UNITS_BY_IDS = by_ids(OrgUnit, unit_visible)


async def units_by_ids(
    session: AsyncSession, actor: Actor, ids: Iterable[int]
) -> dict[int, OrgUnit]:
    return await rows_by_ids(session, _UNITS_BY_IDS(actor), ids)


@per_actor
def _children_of(actor: Actor) -> Select[OrgUnit]:
    return (
        select(OrgUnit)
        .where(OrgUnit.parent_id.in_(IDS), unit_visible(actor))
        .order_by(OrgUnit.name, OrgUnit.id)
    )


async def children_by_parent(
    session: AsyncSession, actor: Actor, parent_ids: Iterable[int]
) -> dict[int, list[OrgUnit]]:
    children: dict[int, list[OrgUnit]] = {}
    for unit in await session.scalars(_children_of(actor), ids_of(parent_ids)):
        if unit.parent_id is not None:  # selected by parent_id
            children.setdefault(unit.parent_id, []).append(unit)
    return children


@dataclass(frozen=True)
class UnitFilter:
    root_id: int | None = None
    kind: OrgUnitKind | None = None


async def list_units(
    session: AsyncSession, actor: Actor, filters: UnitFilter, after_id: int | None, first: int
) -> Page[OrgUnit]:
    stmt = select(OrgUnit).where(unit_visible(actor))
    if filters.root_id is not None:
        root = await session.get(OrgUnit, filters.root_id)
        stmt = stmt.where(OrgUnit.path.startswith(root.path)) if root else stmt.where(false())
    if filters.kind is not None:
        stmt = stmt.where(OrgUnit.kind == filters.kind.value)
    return await fetch_page(session, stmt, OrgUnit.id, after_id, first)


# --- reps -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepFilter:
    unit_id: int | None = None
    level: RepLevel | None = None
    specialty: str | None = None
    active: bool | None = None


async def list_reps(
    session: AsyncSession, actor: Actor, filters: RepFilter, after_id: int | None, first: int
) -> Page[Rep]:
    stmt = select(Rep).options(*SHOWN_ONLY).where(rep_visible(actor))
    if filters.unit_id is not None:
        root = await session.get(OrgUnit, filters.unit_id)
        if root is None:
            stmt = stmt.where(false())
        else:
            stmt = stmt.where(Rep.unit_id.in_(units_in_subtree(root.path)))
    if filters.level is not None:
        stmt = stmt.where(Rep.level == filters.level.value)
    if filters.specialty is not None:
        segment = filters.specialty.strip().lower()
        stmt = stmt.where(
            Rep.id.in_(select(RepSpecialty.rep_id).where(RepSpecialty.segment == segment))
        )
    if filters.active is not None:
        active = Rep.status == RepStatus.ACTIVE.value
        stmt = stmt.where(active if filters.active else ~active)
    return await fetch_page(session, stmt, Rep.id, after_id, first)


SHOWN_ONLY = (raiseload(Rep.specialties), raiseload(Rep.territories))
"""Reps read to be shown: their specialties and territories are not loaded with them (two
statements every time a page shows an owner); `specialties_of_reps` and
`territories_of_reps` read them when asked for."""
_REPS_BY_IDS = by_ids(Rep, rep_visible, *SHOWN_ONLY)


async def reps_by_ids(session: AsyncSession, actor: Actor, ids: Iterable[int]) -> dict[int, Rep]:
    return await rows_by_ids(session, _REPS_BY_IDS(actor), ids)


async def rep_with_unit(
    session: AsyncSession, actor: Actor, rep_id: int
) -> tuple[Rep | None, OrgUnit | None]:
    """A rep and its unit, each only if in the actor's scope, in one statement (the caller's
    own rep and unit, shown by most front-ends' `me`, cost two batches otherwise)."""
    stmt = (
        select(Rep, OrgUnit)
        .options(*SHOWN_ONLY)
        .outerjoin(OrgUnit, (OrgUnit.id == Rep.unit_id) & unit_visible(actor))
        .where(Rep.id == rep_id, rep_visible(actor))
    )
    row = (await session.execute(stmt)).first()
    return (None, None) if row is None else (row[0], row[1])


async def reps_by_ids_unscoped(session: AsyncSession, ids: Iterable[int]) -> dict[int, Rep]:
    """Reps by id whoever asks: for naming who owns something the caller may see (a lead's
    owner, for the intake login that posted it)."""
    stmt = select(Rep).options(*SHOWN_ONLY).where(Rep.id.in_(set(ids)))
    return {rep.id: rep for rep in await session.scalars(stmt)}


_SPECIALTIES_OF = (
    select(RepSpecialty)
    .where(RepSpecialty.rep_id.in_(IDS))
    .order_by(RepSpecialty.rep_id, RepSpecialty.segment)
)
_TERRITORIES_OF = (
    select(RepTerritory.rep_id, RepTerritory.territory)
    .where(RepTerritory.rep_id.in_(IDS))
    .order_by(RepTerritory.rep_id, RepTerritory.territory)
)


async def specialties_of_reps(
    session: AsyncSession, rep_ids: Iterable[int]
) -> dict[int, list[RepSpecialty]]:
    found: dict[int, list[RepSpecialty]] = {}
    for row in await session.scalars(_SPECIALTIES_OF, ids_of(rep_ids)):
        found.setdefault(row.rep_id, []).append(row)
    return found


async def territories_of_reps(
    session: AsyncSession, rep_ids: Iterable[int]
) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for rep_id, territory in await session.execute(_TERRITORIES_OF, ids_of(rep_ids)):
        found.setdefault(rep_id, []).append(territory)
    return found
