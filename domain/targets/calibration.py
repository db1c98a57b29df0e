"""Calibration: adjust a target or rebalance siblings, with a reason, an expected version,
the rhythm of one calibration per window per unit, and directors' overrides.

Both keep every split whole (see `rules`): an adjustment changes a target that is not part
of a split, and its children follow in proportion; a rebalance moves amounts between
siblings without changing their total. A child is never adjusted alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.errors import Conflict, Forbidden, InvalidInput
from domain.kernel.actor import Actor, Role
from domain.org.models import Rep
from domain.targets import rules
from domain.targets.errors import TargetError
from domain.targets.models import Target, TargetStatus, TargetVersion
from domain.targets.service import (
    Owner,
    check_amount,
    clean_reason,
    hold_split,
    managed_target,
    owner_info,
    record_version,
    rescale_children,
)
from domain.versioning import check_version, flush_versioned

CALIBRATION_ACTIONS = ("adjust", "rebalance")


@dataclass(frozen=True)
class Calibration:
    reason: str
    override_reason: str | None = None
    window_days: int = 14


async def adjust_target(
    session: AsyncSession,
    actor: Actor,
    *,
    target_id: int,
    expected_version: int,
    amount: int,
    calibration: Calibration,
    now: datetime | None = None,
) -> Target:
    check_amount(amount)
    reason = clean_reason(calibration.reason, required=True)
    target = await managed_target(session, actor, target_id)
    check_version(target, expected_version)
    rules.check_adjustable(target.parent_id is not None)
    override = await _check_calibration(session, actor, [target], calibration, now)
    if amount == target.amount:  # nothing changes, so no version (and no duplicate one)
        return target
    old_amount = target.amount
    target.amount = amount
    await flush_versioned(session)
    record_version(
        session,
        actor,
        target,
        "adjust",
        old_amount=old_amount,
        old_status=target.status,
        reason=reason,
        override=override,
    )
    await rescale_children(session, actor, target, "adjust", f"{reason} (parent adjusted)")
    return target


@dataclass(frozen=True)
class Move:
    target_id: int
    expected_version: int
    amount: int


async def rebalance_targets(
    session: AsyncSession,
    actor: Actor,
    *,
    moves: Sequence[Move],
    calibration: Calibration,
    now: datetime | None = None,
) -> list[Target]:
    """Move amounts among siblings; their parent's sum does not change."""
    reason = clean_reason(calibration.reason, required=True)
    if len(moves) < 2 or len({m.target_id for m in moves}) != len(moves):
        raise InvalidInput(
            TargetError.TOO_FEW_TARGETS,
            "至少需要两个不同的同级目标",
            "Give at least two different sibling targets",
            "moves",
        )
    targets = []
    for move in moves:
        check_amount(move.amount, "moves")
        target = await managed_target(session, actor, move.target_id, "moves")
        check_version(target, move.expected_version, "moves")
        targets.append(target)
    if len({t.parent_id for t in targets}) != 1 or targets[0].parent_id is None:
        raise InvalidInput(
            TargetError.NOT_SIBLINGS,
            "这些目标不属于同一个上级目标",
            "The targets do not share a parent",
            "moves",
        )
    await hold_split(session, targets[0].parent_id)
    if sum(m.amount for m in moves) != sum(t.amount for t in targets):
        raise InvalidInput(
            TargetError.SUM_CHANGED,
            "调配前后的合计必须相同",
            "The amounts must add up to the same total as before",
            "moves",
        )
    override = await _check_calibration(session, actor, targets, calibration, now)
    for target, move in zip(targets, moves, strict=True):
        if move.amount == target.amount:  # unchanged: no version
            continue
        old = target.amount
        target.amount = move.amount
        await flush_versioned(session, "moves")
        record_version(
            session,
            actor,
            target,
            "rebalance",
            old_amount=old,
            old_status=target.status,
            reason=reason,
            override=override,
        )
        await rescale_children(session, actor, target, "adjust", f"{reason} (parent adjusted)")
    return targets


async def _check_calibration(session, actor, targets, calibration, now) -> bool:
    """Locked targets need a director; more than one calibration per window per unit needs
    a director's override with a reason. Returns whether an override was used."""
    is_director = actor.has(Role.DIRECTOR, Role.ADMIN)
    if any(t.status == TargetStatus.LOCKED.value for t in targets) and not is_director:
        raise Forbidden(
            TargetError.LOCKED,
            "已锁定的目标只有总监可以修改",
            "Only a director can change a locked target",
            "id",
        )
    since = (now or utcnow()) - timedelta(days=calibration.window_days)
    units = {(await owner_info(session, Owner.of(t))).unit_id for t in targets}
    recent = await session.scalar(
        select(func.count())
        .select_from(TargetVersion)
        .join(Target, Target.id == TargetVersion.target_id)
        .outerjoin(Rep, Rep.id == Target.owner_rep_id)
        .where(
            TargetVersion.action.in_(CALIBRATION_ACTIONS),
            TargetVersion.at >= since,
            or_(Target.owner_unit_id.in_(units), Rep.unit_id.in_(units)),
        )
    )
    if not recent:
        return False
    override = clean_reason(calibration.override_reason, required=False)
    if is_director and override:
        return True
    raise Conflict(
        TargetError.CALIBRATION_TOO_SOON,
        f"该单元 {calibration.window_days} 天内已校准过；如需再次调整，需总监填写例外原因",
        f"This unit was calibrated in the last {calibration.window_days} days; a director "
        "can override with a reason",
        "override_reason",
    )
