"""Target use-cases: set, allocate, propose, approve, lock, adjust, rebalance, and reads.

Every change writes a TargetVersion row; services never commit (the caller does, once).
The children of a target sum exactly to it in every status (the rule is in `rules`). A
use-case that changes a split takes its parent's row lock before reading the children —
allocate and rebalance with `hold_split`, adjust by updating the parent — so two of them on
the same parent run one after the other on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal, overload

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Conflict, Forbidden, InvalidInput, not_found
from domain.kernel.actor import Actor, Role, per_actor
from domain.kernel.sql import by_ids, rows_by_ids
from domain.org.models import OrgUnit, Rep
from domain.org.service import rep_visible, unit_visible
from domain.targets import rules
from domain.targets.errors import TargetError
from domain.targets.models import (
    Metric,
    Target,
    TargetProposal,
    TargetStatus,
    TargetVersion,
)
from domain.targets.periods import Period
from domain.versioning import flush_versioned

CALIBRATION_ACTIONS = ("adjust", "rebalance")


@dataclass(frozen=True)
class Owner:
    """A target's owner: an org unit or a rep."""

    unit_id: int | None = None
    rep_id: int | None = None

    @property
    def key(self) -> str:
        return f"unit:{self.unit_id}" if self.unit_id is not None else f"rep:{self.rep_id}"

    @classmethod
    def of(cls, target: Target) -> Owner:
        return cls(target.owner_unit_id, target.owner_rep_id)


@dataclass(frozen=True)
class OwnerInfo:
    owner: Owner
    name: str
    path: str  # the unit's path, or the path of the rep's unit
    unit_id: int  # the unit itself, or the rep's unit


@per_actor
def target_visible(actor: Actor) -> ColumnElement[bool]:
    return or_(
        Target.owner_unit_id.in_(select(OrgUnit.id).where(unit_visible(actor))),
        Target.owner_rep_id.in_(select(Rep.id).where(rep_visible(actor))),
    )


async def owner_info(session: AsyncSession, owner: Owner, field: str = "owner_id") -> OwnerInfo:
    if owner.unit_id is not None:
        unit = await session.get(OrgUnit, owner.unit_id)
        if unit is not None:
            return OwnerInfo(owner, unit.name, unit.path, unit.id)
    elif owner.rep_id is not None:
        row = (
            await session.execute(
                select(Rep.name, OrgUnit.path, OrgUnit.id)
                .join(OrgUnit, OrgUnit.id == Rep.unit_id)
                .where(Rep.id == owner.rep_id)
            )
        ).first()
        if row is not None:
            return OwnerInfo(owner, row[0], row[1], row[2])
    raise not_found(TargetError.OWNER_NOT_FOUND, field, "目标负责对象", "owner")


async def visible_owner(session: AsyncSession, actor: Actor, owner: Owner) -> None:
    if owner.unit_id is not None:
        visible = select(OrgUnit.id).where(OrgUnit.id == owner.unit_id, unit_visible(actor))
    else:
        visible = select(Rep.id).where(Rep.id == owner.rep_id, rep_visible(actor))
    if await session.scalar(visible) is None:
        raise not_found(TargetError.OWNER_NOT_FOUND, "owner_id", "目标负责对象", "owner")


async def managed_owner(session: AsyncSession, actor: Actor, owner: Owner) -> OwnerInfo:
    info = await owner_info(session, owner)
    if not actor.manages_path(info.path):
        raise not_found(TargetError.OWNER_NOT_FOUND, "owner_id", "目标负责对象", "owner")
    return info


async def get_target(session: AsyncSession, actor: Actor, target_id: int, field: str = "id"):
    target = await session.scalar(
        select(Target).where(Target.id == target_id, target_visible(actor))
    )
    if target is None:
        raise not_found(TargetError.TARGET_NOT_FOUND, field, "目标", "target")
    return target


_TARGETS_BY_IDS = by_ids(Target, target_visible)


async def targets_by_ids(session: AsyncSession, actor: Actor, ids: Iterable[int]):
    return await rows_by_ids(session, _TARGETS_BY_IDS(actor), ids)


async def managed_target(session: AsyncSession, actor: Actor, target_id: int, field: str = "id"):
    target = await get_target(session, actor, target_id, field)
    info = await owner_info(session, Owner.of(target))
    if not actor.manages_path(info.path) or not actor.has(Role.ADMIN, Role.DIRECTOR, Role.MANAGER):
        raise Forbidden(
            TargetError.NOT_YOUR_SCOPE,
            "只能管理你管辖范围内的目标",
            "You can only manage targets within your scope",
            field,
        )
    return target


def record_version(
    session: AsyncSession,
    actor: Actor,
    target: Target,
    action: str,
    *,
    old_amount: int | None,
    old_status: str | None,
    reason: str | None,
    override: bool = False,
) -> None:
    session.add(
        TargetVersion(
            target_id=target.id,
            version=target.version,
            action=action,
            actor_user_id=actor.user_id or None,
            reason=reason,
            old_amount=old_amount,
            new_amount=target.amount,
            old_status=old_status,
            new_status=target.status,
            director_override=override,
        )
    )


async def hold_split(session: AsyncSession, parent_id: int) -> Target:
    """Lock a parent's row (PostgreSQL; SQLite has one writer anyway) and read it afresh, so
    its amount and its children are read after any concurrent change to its split."""
    parent = await session.scalar(
        select(Target)
        .where(Target.id == parent_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if parent is None:
        raise not_found(TargetError.TARGET_NOT_FOUND, "parent_id", "目标", "target")
    return parent


async def rescale_children(
    session: AsyncSession, actor: Actor, parent: Target, action: str, reason: str | None
) -> None:
    """Keep a parent's children summing to it after its amount changed: the new amount split
    by their old proportions (`rules.rescale`), each change a version, all the way down."""
    children = list(
        await session.scalars(
            select(Target).where(Target.parent_id == parent.id).order_by(Target.id)
        )
    )
    amounts = rules.rescale(parent.amount, [child.amount for child in children])
    for child, amount in zip(children, amounts, strict=True):
        if child.amount != amount:
            old = child.amount
            child.amount = amount
            await flush_versioned(session)
            record_version(
                session,
                actor,
                child,
                action,
                old_amount=old,
                old_status=child.status,
                reason=reason,
            )
            await rescale_children(session, actor, child, action, reason)


def check_amount(amount: int, field: str = "amount") -> None:
    if amount < 0:
        raise InvalidInput(
            TargetError.NEGATIVE_AMOUNT, "金额不能为负", "The amount cannot be negative", field
        )


@overload
def clean_reason(reason: str | None, required: Literal[True]) -> str: ...
@overload
def clean_reason(reason: str | None, required: bool) -> str | None: ...


def clean_reason(reason: str | None, required: bool) -> str | None:
    text = " ".join((reason or "").split())
    if required and not text:
        raise InvalidInput(TargetError.REASON_REQUIRED, "请说明原因", "Give a reason", "reason")
    return text or None


# --- top-down ---------------------------------------------------------------------------


async def set_target(
    session: AsyncSession,
    actor: Actor,
    *,
    metric: Metric,
    owner: Owner,
    period: Period,
    amount: int,
    reason: str | None = None,
) -> Target:
    """A new draft target for an owner in the actor's scope."""
    check_amount(amount)
    info = await managed_owner(session, actor, owner)
    return await create_target(
        session, actor, metric, info, period, amount, None, None, reason, "set"
    )


async def create_target(
    session, actor, metric, info, period, amount, parent, explanation, reason, action
):
    existing = await session.scalar(
        select(Target.id).where(
            Target.metric == metric.value,
            Target.owner_key == info.owner.key,
            Target.period_kind == period.kind.value,
            Target.period_start == period.start,
        )
    )
    if existing:
        raise Conflict(
            TargetError.TARGET_EXISTS,
            "该负责对象在此期间已有此指标的目标",
            "This owner already has a target for this metric and period",
            "period_start",
        )
    target = new_target(metric, info.owner, period, amount, parent, explanation)
    session.add(target)
    await flush_new_targets(session)
    record_version(session, actor, target, action, old_amount=None, old_status=None, reason=reason)
    return target


def new_target(metric, owner: Owner, period, amount, parent, explanation) -> Target:
    return Target(
        metric=metric.value,
        owner_unit_id=owner.unit_id,
        owner_rep_id=owner.rep_id,
        owner_key=owner.key,
        period_kind=period.kind.value,
        period_start=period.start,
        amount=amount,
        status=TargetStatus.DRAFT.value,
        parent_id=parent.id if parent else None,
        explanation=explanation,
    )


async def flush_new_targets(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError:  # a concurrent twin won the unique constraint
        raise Conflict(
            TargetError.TARGET_EXISTS, "目标已存在", "This target already exists", "period_start"
        ) from None


# --- workflow ---------------------------------------------------------------------------


async def propose_target(
    session: AsyncSession, actor: Actor, *, target_id: int, amount: int, reason: str
) -> Target:
    """Bottom-up: a rep for their own target, a manager for their own unit's."""
    check_amount(amount)
    reason = clean_reason(reason, required=True)
    target = await get_target(session, actor, target_id)
    own = (target.owner_rep_id is not None and target.owner_rep_id == actor.rep_id) or (
        target.owner_unit_id is not None
        and actor.has(Role.MANAGER, Role.DIRECTOR)
        and actor.scope_path is not None
        and (await owner_info(session, Owner.of(target))).path == actor.scope_path
    )
    if not own:
        raise Forbidden(
            TargetError.NOT_YOUR_TARGET,
            "只能为自己的目标提报数字",
            "You can only propose a number for your own target",
            "id",
        )
    old_status = target.status
    target.status = rules.next_status(TargetStatus(target.status), "propose").value
    session.add(
        TargetProposal(
            target_id=target.id,
            amount=amount,
            reason=reason,
            proposed_by_id=actor.user_id or None,
        )
    )
    await flush_versioned(session)
    record_version(
        session,
        actor,
        target,
        "propose",
        old_amount=target.amount,
        old_status=old_status,
        reason=f"{amount}: {reason}",
    )
    return target


async def approve_target(session: AsyncSession, actor: Actor, *, target_id: int) -> Target:
    """The parent's owner approves (for a top-level target: a director over its owner)."""
    target = await get_target(session, actor, target_id)
    if target.parent_id is not None:
        parent = await session.get(Target, target.parent_id)
        if parent is None:
            raise not_found(TargetError.TARGET_NOT_FOUND, "parent_id", "目标", "target")
        approver_path = (await owner_info(session, Owner.of(parent))).path
        approvers: tuple[Role, ...] = (Role.ADMIN, Role.DIRECTOR, Role.MANAGER)
    else:
        approver_path = (await owner_info(session, Owner.of(target))).path
        approvers = (Role.ADMIN, Role.DIRECTOR)
    if not (actor.has(*approvers) and actor.manages_path(approver_path)):
        raise Forbidden(
            TargetError.NOT_APPROVER,
            "只有上级目标的负责人可以批准",
            "Only the owner of the parent target can approve it",
            "id",
        )
    return await transition(session, actor, target, "approve")


async def lock_target(session: AsyncSession, actor: Actor, *, target_id: int) -> Target:
    target = await managed_target(session, actor, target_id)
    return await transition(session, actor, target, "lock")


async def transition(session, actor, target: Target, action: str) -> Target:
    old_status = target.status
    target.status = rules.next_status(TargetStatus(target.status), action).value
    await flush_versioned(session)
    record_version(
        session, actor, target, action, old_amount=target.amount, old_status=old_status, reason=None
    )
    return target


async def lock_started_periods(session: AsyncSession, actor: Actor, today: date) -> int:
    """Approved targets whose period has started become locked."""
    due = await session.scalars(
        select(Target).where(
            Target.status == TargetStatus.APPROVED.value, Target.period_start <= today
        )
    )
    count = 0
    for target in due:
        await transition(session, actor, target, "lock")
        count += 1
    return count
