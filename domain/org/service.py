"""Use-cases on the org tree and reps. Every query is filtered by the actor's scope."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, false, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Conflict, InvalidInput, not_found
from domain.kernel.actor import Actor, Role, per_actor
from domain.kernel.errors import KernelError
from domain.kernel.text import clean_slug, clean_text
from domain.org import rules
from domain.org.errors import OrgError
from domain.org.models import (
    OrgUnit,
    OrgUnitKind,
    Rep,
    RepLevel,
    RepSpecialty,
    RepStatus,
    RepTerritory,
    User,
    UserRole,
)

# --- visibility -------------------------------------------------------------------------


@per_actor
def unit_visible(actor: Actor) -> ColumnElement[bool]:
    if actor.sees_whole_company:
        return true()
    conditions = []
    if actor.subtree_path is not None:
        conditions.append(OrgUnit.path.startswith(actor.subtree_path))
    if actor.has(Role.REP) and actor.rep_unit_id is not None:
        conditions.append(OrgUnit.id == actor.rep_unit_id)
    return or_(*conditions) if conditions else false()


@functools.lru_cache(maxsize=1024)
def units_in_subtree(path: str):
    """The ids of the units under `path` (built once per path, like `per_actor`)."""
    return select(OrgUnit.id).where(OrgUnit.path.startswith(path)).scalar_subquery()


def in_scope(actor: Actor, unit_column, rep_column) -> ColumnElement[bool]:
    """Rows whose unit lies in the actor's managed subtree, and a rep's own rows."""
    if actor.sees_whole_company:
        return true()
    conditions = []
    if actor.subtree_path is not None:
        conditions.append(unit_column.in_(units_in_subtree(actor.subtree_path)))
    if rep_column is not None and actor.has(Role.REP) and actor.rep_id is not None:
        conditions.append(rep_column == actor.rep_id)
    return or_(*conditions) if conditions else false()


@per_actor
def rep_visible(actor: Actor) -> ColumnElement[bool]:
    return in_scope(actor, Rep.unit_id, Rep.id)


# --- org units --------------------------------------------------------------------------


async def get_unit(session: AsyncSession, actor: Actor, unit_id: int, field: str) -> OrgUnit:
    """A unit the actor manages (for writes), else UNIT_NOT_FOUND / PARENT_NOT_FOUND on field."""
    unit = await session.get(OrgUnit, unit_id)
    if unit is None or not actor.manages_path(unit.path):
        code = OrgError.PARENT_NOT_FOUND if "parent" in field else OrgError.UNIT_NOT_FOUND
        raise not_found(code, field, "组织单元", "org unit")
    return unit


async def create_org_unit(
    session: AsyncSession,
    actor: Actor,
    *,
    code: str,
    name: str,
    kind: OrgUnitKind,
    parent_id: int | None,
) -> OrgUnit:
    code = clean_slug(code, "code")
    name = clean_text(name, "name")
    rules.check_parent_kind(kind, parent_id is not None)
    if parent_id is None and not actor.sees_whole_company:
        raise not_found(OrgError.PARENT_NOT_FOUND, "parent_id", "组织单元", "org unit")
    parent = await get_unit(session, actor, parent_id, "parent_id") if parent_id else None
    if await session.scalar(select(OrgUnit.id).where(OrgUnit.code == code)):
        raise Conflict(OrgError.CODE_TAKEN, "该编码已被使用", "This code is already in use", "code")
    unit = OrgUnit(code=code, name=name, kind=kind.value, parent_id=parent_id, path="", depth=0)
    session.add(unit)
    await session.flush()
    unit.path = rules.child_path(parent.path if parent else None, unit.id)
    unit.depth = rules.path_depth(unit.path)
    await session.flush()
    return unit


async def move_org_unit(
    session: AsyncSession, actor: Actor, *, unit_id: int, new_parent_id: int
) -> OrgUnit:
    unit = await get_unit(session, actor, unit_id, "id")
    new_parent = await get_unit(session, actor, new_parent_id, "new_parent_id")
    rules.check_move(unit.path, unit.parent_id, new_parent.path)
    if actor.scope_path == unit.path:
        raise Conflict(
            OrgError.CANNOT_MOVE_ROOT,
            "不能移动你的管辖范围根单元",
            "You cannot move your scope's root",
            "id",
        )
    old_path = unit.path
    new_path = rules.child_path(new_parent.path, unit.id)
    depth_change = rules.path_depth(new_path) - unit.depth
    await session.execute(
        update(OrgUnit)
        .where(OrgUnit.path.startswith(old_path))
        .values(
            path=new_path + func.substr(OrgUnit.path, len(old_path) + 1),
            depth=OrgUnit.depth + depth_change,
        )
        .execution_options(synchronize_session="fetch")
    )
    unit.parent_id = new_parent.id
    await session.flush()
    return unit


async def managers_of_units(
    session: AsyncSession, unit_ids: Iterable[int]
) -> dict[int, User | None]:
    """The nearest manager (or director) at or above each unit: two statements for any number."""
    units = {
        unit.id: unit
        for unit in await session.scalars(select(OrgUnit).where(OrgUnit.id.in_(set(unit_ids))))
    }
    lineage = {unit_id: rules.ancestor_ids(unit.path) for unit_id, unit in units.items()}
    all_ancestors = {ancestor for chain in lineage.values() for ancestor in chain}
    stmt = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            User.scope_unit_id.in_(all_ancestors),
            User.active.is_(True),
            UserRole.role.in_([Role.MANAGER.value, Role.DIRECTOR.value]),
        )
        .order_by(User.id)
    )
    by_scope: dict[int, User] = {}
    for user in (await session.scalars(stmt)).unique():
        prefers_manager = Role.MANAGER.value in user.roles
        if user.scope_unit_id is None:  # selected by scope_unit_id
            continue
        current = by_scope.get(user.scope_unit_id)
        if current is None or (prefers_manager and Role.MANAGER.value not in current.roles):
            by_scope[user.scope_unit_id] = user
    return {
        unit_id: next((by_scope[a] for a in reversed(chain) if a in by_scope), None)
        for unit_id, chain in lineage.items()
    } | {unit_id: None for unit_id in set(unit_ids) - units.keys()}


# --- reps -------------------------------------------------------------------------------


async def get_rep(session: AsyncSession, actor: Actor, rep_id: int, field: str) -> Rep:
    stmt = select(Rep).where(Rep.id == rep_id, rep_visible(actor))
    rep = await session.scalar(stmt)
    unit = None if rep is None else await session.get(OrgUnit, rep.unit_id)
    if rep is None or unit is None or not actor.manages_path(unit.path):
        raise not_found(OrgError.REP_NOT_FOUND, field, "销售代表", "rep")
    return rep


@dataclass
class RepChanges:
    """Fields of a rep to set; None leaves a field as it is."""

    name: str | None = None
    email: str | None = None
    unit_id: int | None = None
    level: RepLevel | None = None
    hire_date: date | None = None
    capacity: int | None = None
    status: RepStatus | None = None
    specialties: dict[str, int] | None = None
    territories: list[str] | None = None


async def create_rep(
    session: AsyncSession, actor: Actor, *, external_id: str, today: date, data: RepChanges
) -> Rep:
    external_id = clean_slug(external_id, "external_id")
    if await session.scalar(select(Rep.id).where(Rep.external_id == external_id)):
        raise Conflict(
            OrgError.EXTERNAL_ID_TAKEN,
            "该外部编号已被使用",
            "This external id is in use",
            "external_id",
        )
    rep = Rep(
        external_id=external_id,
        capacity=20,
        status=RepStatus.ACTIVE.value,
        specialties=[],
        territories=[],
    )
    for required in ("name", "unit_id", "level", "hire_date"):
        if getattr(data, required) is None:
            raise InvalidInput(KernelError.REQUIRED, "不能为空", "Must not be empty", required)
    await _apply_rep_changes(session, actor, rep, data, today)
    session.add(rep)
    await session.flush()
    return rep


async def update_rep(
    session: AsyncSession, actor: Actor, *, rep_id: int, today: date, data: RepChanges
) -> Rep:
    rep = await get_rep(session, actor, rep_id, "id")
    await _apply_rep_changes(session, actor, rep, data, today)
    await session.flush()
    return rep


async def _apply_rep_changes(
    session: AsyncSession, actor: Actor, rep: Rep, data: RepChanges, today: date
) -> None:
    if data.name is not None:
        rep.name = clean_text(data.name, "name")
    if data.email is not None:
        rep.email = clean_text(data.email, "email", 254) if data.email.strip() else None
    if data.unit_id is not None:
        rep.unit_id = (await get_unit(session, actor, data.unit_id, "unit_id")).id
    if data.level is not None:
        rep.level = data.level.value
    if data.hire_date is not None:
        rules.check_hire_date(data.hire_date, today)
        rep.hire_date = data.hire_date
    if data.capacity is not None:
        rules.check_capacity(data.capacity)
        rep.capacity = data.capacity
    if data.status is not None:
        rep.status = data.status.value
    if data.specialties is not None:
        wanted = rules.clean_specialties(data.specialties)
        kept = [s for s in rep.specialties if s.segment in wanted]
        for specialty in kept:
            specialty.proficiency = wanted.pop(specialty.segment)
        rep.specialties = kept + [RepSpecialty(segment=s, proficiency=p) for s, p in wanted.items()]
    if data.territories is not None:
        wanted_territories = {clean_slug(t, "territories") for t in data.territories}
        kept_territories = [t for t in rep.territories if t.territory in wanted_territories]
        new = wanted_territories - {t.territory for t in kept_territories}
        rep.territories = kept_territories + [RepTerritory(territory=t) for t in sorted(new)]
