"""Reads of targets: lists, history, reconciliation, and the batch loaders behind them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.actor import Actor, per_actor
from domain.kernel.sql import IDS, ids_of
from domain.org.models import OrgUnit, Rep
from domain.org.service import units_in_subtree
from domain.paging import fetch_page
from domain.targets.models import (
    Metric,
    PeriodKind,
    Target,
    TargetProposal,
    TargetStatus,
    TargetVersion,
)
from domain.targets.service import get_target, target_visible


async def history(session: AsyncSession, actor: Actor, target_id: int) -> list[TargetVersion]:
    await get_target(session, actor, target_id)
    return list(
        await session.scalars(
            select(TargetVersion)
            .where(TargetVersion.target_id == target_id)
            .order_by(TargetVersion.version, TargetVersion.id)
        )
    )


@dataclass(frozen=True)
class ReconciliationRow:
    target: Target
    top_down: int
    bottom_up: int | None
    gap: int | None
    reason: str | None


async def reconciliation(
    session: AsyncSession, actor: Actor, parent_id: int
) -> list[ReconciliationRow]:
    """Top-down against bottom-up per child of a target, with the gap."""
    await get_target(session, actor, parent_id, "target_id")
    children = list(
        await session.scalars(
            select(Target)
            .where(Target.parent_id == parent_id, target_visible(actor))
            .order_by(Target.id)
        )
    )
    latest = {}
    if children:
        proposals = await session.scalars(
            select(TargetProposal)
            .where(TargetProposal.target_id.in_([c.id for c in children]))
            .order_by(TargetProposal.id)
        )
        latest = {p.target_id: p for p in proposals}
    rows = []
    for child in children:
        proposal = latest.get(child.id)
        bottom_up = proposal.amount if proposal else None
        rows.append(
            ReconciliationRow(
                child,
                child.amount,
                bottom_up,
                None if bottom_up is None else bottom_up - child.amount,
                proposal.reason if proposal else None,
            )
        )
    return rows


@per_actor
def _children_of(actor: Actor) -> Select[Target]:
    return (
        select(Target)
        .where(Target.parent_id.in_(IDS), target_visible(actor))
        .order_by(Target.period_start, Target.id)
    )


_VERSIONS_OF = (
    select(TargetVersion)
    .where(TargetVersion.target_id.in_(IDS))
    .order_by(TargetVersion.version, TargetVersion.id)
)


async def children_of_targets(
    session: AsyncSession, actor: Actor, parent_ids: Iterable[int]
) -> dict[int, list[Target]]:
    children: dict[int, list[Target]] = {}
    for target in await session.scalars(_children_of(actor), ids_of(parent_ids)):
        if target.parent_id is not None:  # selected by parent_id
            children.setdefault(target.parent_id, []).append(target)
    return children


async def versions_of_targets(
    session: AsyncSession, target_ids: Iterable[int]
) -> dict[int, list[TargetVersion]]:
    versions: dict[int, list[TargetVersion]] = {}
    for version in await session.scalars(_VERSIONS_OF, ids_of(target_ids)):
        versions.setdefault(version.target_id, []).append(version)
    return versions


@dataclass(frozen=True)
class TargetFilter:
    owner_unit_id: int | None = None
    metric: Metric | None = None
    period_kind: PeriodKind | None = None
    period_start: date | None = None
    status: TargetStatus | None = None


async def list_targets(
    session: AsyncSession, actor: Actor, filters: TargetFilter, after_id: int | None, first: int
):
    stmt = select(Target).where(target_visible(actor))
    if filters.owner_unit_id is not None:
        root = await session.get(OrgUnit, filters.owner_unit_id)
        subtree = units_in_subtree(root.path if root else "\0")
        stmt = stmt.where(
            or_(
                Target.owner_unit_id.in_(subtree),
                Target.owner_rep_id.in_(select(Rep.id).where(Rep.unit_id.in_(subtree))),
            )
        )
    for column, value in (
        (Target.metric, filters.metric),
        (Target.period_kind, filters.period_kind),
        (Target.period_start, filters.period_start),
        (Target.status, filters.status),
    ):
        if value is not None:
            stmt = stmt.where(column == getattr(value, "value", value))
    return await fetch_page(session, stmt, Target.id, after_id, first)
