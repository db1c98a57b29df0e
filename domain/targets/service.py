"""Target use-cases: set, allocate, propose, approve, lock, adjust, rebalance, and reads.

Every change writes a TargetVersion row; services never commit (the caller does, once)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from domain.db import utcnow
from domain.errors import Conflict, Forbidden, InvalidInput, not_found
from domain.org.models import OrgUnit, Rep, Role
from domain.org.rules import Actor
from domain.org.service import rep_visible, unit_visible
from domain.targets import actuals, rules
from domain.targets.models import (
    METRIC_UNITS,
    MarketPotential,
    Metric,
    PeriodKind,
    Target,
    TargetProposal,
    TargetStatus,
    TargetVersion,
)
from domain.targets.periods import Period

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
    raise not_found("OWNER_NOT_FOUND", field, "目标负责对象", "owner")


async def managed_owner(session: AsyncSession, actor: Actor, owner: Owner) -> OwnerInfo:
    info = await owner_info(session, owner)
    if not actor.manages_path(info.path):
        raise not_found("OWNER_NOT_FOUND", "owner_id", "目标负责对象", "owner")
    return info


async def get_target(session: AsyncSession, actor: Actor, target_id: int, field: str = "id"):
    target = await session.scalar(
        select(Target).where(Target.id == target_id, target_visible(actor))
    )
    if target is None:
        raise not_found("TARGET_NOT_FOUND", field, "目标", "target")
    return target


async def targets_by_ids(session: AsyncSession, actor: Actor, ids: Iterable[int]):
    stmt = select(Target).where(Target.id.in_(set(ids)), target_visible(actor))
    return {target.id: target for target in await session.scalars(stmt)}


async def managed_target(session: AsyncSession, actor: Actor, target_id: int, field: str = "id"):
    target = await get_target(session, actor, target_id, field)
    info = await owner_info(session, Owner.of(target))
    if not actor.manages_path(info.path) or not actor.has(Role.ADMIN, Role.DIRECTOR, Role.MANAGER):
        raise Forbidden(
            "NOT_YOUR_SCOPE",
            "只能管理你管辖范围内的目标",
            "You can only manage targets within your scope",
            field,
        )
    return target


def _record(
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


async def _flush(session: AsyncSession, field: str = "expected_version") -> None:
    try:
        await session.flush()
    except StaleDataError:
        raise Conflict(
            "STALE_VERSION",
            "目标已被他人修改，请刷新后重试",
            "Someone changed this target meanwhile: reload it and try again",
            field,
        ) from None


def _check_amount(amount: int, field: str = "amount") -> None:
    if amount < 0:
        raise InvalidInput(
            "NEGATIVE_AMOUNT", "金额不能为负", "The amount cannot be negative", field
        )


def _clean_reason(reason: str | None, required: bool) -> str | None:
    text = " ".join((reason or "").split())
    if required and not text:
        raise InvalidInput("REASON_REQUIRED", "请说明原因", "Give a reason", "reason")
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
    _check_amount(amount)
    info = await managed_owner(session, actor, owner)
    return await _create(session, actor, metric, info, period, amount, None, None, reason, "set")


async def _create(
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
            "TARGET_EXISTS",
            "该负责对象在此期间已有此指标的目标",
            "This owner already has a target for this metric and period",
            "period_start",
        )
    target = Target(
        metric=metric.value,
        owner_unit_id=info.owner.unit_id,
        owner_rep_id=info.owner.rep_id,
        owner_key=info.owner.key,
        period_kind=period.kind.value,
        period_start=period.start,
        amount=amount,
        status=TargetStatus.DRAFT.value,
        parent_id=parent.id if parent else None,
        explanation=explanation,
    )
    session.add(target)
    try:
        await session.flush()
    except IntegrityError:  # a concurrent twin won the unique constraint
        raise Conflict(
            "TARGET_EXISTS", "目标已存在", "This target already exists", "period_start"
        ) from None
    _record(session, actor, target, action, old_amount=None, old_status=None, reason=reason)
    return target


@dataclass(frozen=True)
class AllocationPlan:
    into_children: bool
    period_kind: PeriodKind | None
    mix: rules.WeightMix
    even: bool
    history_months: int = 12


async def allocate_target(
    session: AsyncSession, actor: Actor, *, target_id: int, plan: AllocationPlan, today: date
) -> list[Target]:
    """Split a target over the owner's children (units, or a team's reps) or over time,
    creating or refreshing their draft targets, each with its explanation."""
    parent = await managed_target(session, actor, target_id)
    info = await owner_info(session, Owner.of(parent))
    period = Period(PeriodKind(parent.period_kind), parent.period_start)
    metric = Metric(parent.metric)
    if plan.into_children:
        children = await _child_owners(session, info)
        slots = [(child, period) for child in children]
        inputs = await _child_inputs(session, metric, children, today, plan.history_months)
    else:
        periods = period.children(plan.period_kind)
        slots = [(info, p) for p in periods]
        inputs = await _time_inputs(session, metric, info, periods, today)
    if not slots:
        raise InvalidInput(
            "NO_CHILDREN", "没有可分配的下级", "There is nothing below this target", "target_id"
        )
    if plan.even:
        inputs = [rules.ChildInputs(i.key, i.name, 1.0, None, None) for i in inputs]
    shares = rules.composite_shares(inputs, plan.mix)
    amounts = rules.largest_remainder(parent.amount, [s.share for s in shares])
    unit = METRIC_UNITS[metric]
    created = []
    for (child_info, child_period), share, amount in zip(slots, shares, amounts, strict=True):
        record = rules.explanation(amount, share, info.name, parent.amount, unit)
        record["method"] = "even" if plan.even else "composite"
        created.append(
            await _upsert_child(
                session, actor, metric, child_info, child_period, parent, amount, record
            )
        )
    return created


async def _upsert_child(session, actor, metric, info, period, parent, amount, record) -> Target:
    existing = await session.scalar(
        select(Target).where(
            Target.metric == metric.value,
            Target.owner_key == info.owner.key,
            Target.period_kind == period.kind.value,
            Target.period_start == period.start,
        )
    )
    if existing is None:
        return await _create(
            session, actor, metric, info, period, amount, parent, record, None, "allocate"
        )
    if TargetStatus(existing.status) in (TargetStatus.APPROVED, TargetStatus.LOCKED):
        raise Conflict(
            "CHILD_APPROVED",
            f"{info.name}的目标已批准，不能重新分配",
            f"{info.name}'s target is already approved and cannot be re-allocated",
            "target_id",
        )
    old_amount, old_status = existing.amount, existing.status
    wanted = (amount, parent.id, record, TargetStatus.DRAFT.value)
    if (existing.amount, existing.parent_id, existing.explanation, existing.status) == wanted:
        return existing  # nothing changed: no new version
    existing.amount, existing.parent_id, existing.explanation = amount, parent.id, record
    existing.status = TargetStatus.DRAFT.value
    await _flush(session)
    _record(
        session,
        actor,
        existing,
        "allocate",
        old_amount=old_amount,
        old_status=old_status,
        reason=None,
    )
    return existing


async def _child_owners(session: AsyncSession, info: OwnerInfo) -> list[OwnerInfo]:
    if info.owner.unit_id is None:
        return []
    units = list(
        await session.scalars(
            select(OrgUnit).where(OrgUnit.parent_id == info.unit_id).order_by(OrgUnit.id)
        )
    )
    if units:
        return [OwnerInfo(Owner(unit_id=u.id), u.name, u.path, u.id) for u in units]
    reps = await session.scalars(
        select(Rep).where(Rep.unit_id == info.unit_id, Rep.status != "inactive").order_by(Rep.id)
    )
    return [OwnerInfo(Owner(rep_id=r.id), r.name, info.path, info.unit_id) for r in reps]


async def _child_inputs(session, metric, children, today, history_months) -> list:
    start = today - timedelta(days=round(history_months * 30.44))
    history = await actuals.values_by_owner(
        session, metric, [c.owner for c in children], start, today
    )
    potentials = await potentials_by_owner(session, [c.owner for c in children])
    return [
        rules.ChildInputs(
            c.owner.key, c.name, history.get(c.owner, 0), potentials.get(c.owner.key), None
        )
        for c in children
    ]


async def _time_inputs(session, metric, info, periods: Sequence[Period], today) -> list:
    """The seasonal profile: the owner's history in the same months of the past two years."""
    months = await actuals.monthly_history(session, metric, info.owner, today, years=2)
    inputs = []
    for period in periods:
        anchor = period.anchor
        value = months.get(anchor.month, 0) / 31 * ((period.end - period.start).days)
        inputs.append(rules.ChildInputs(period.label(), period.label(), value, None, None))
    return inputs


async def potentials_by_owner(session: AsyncSession, owners: Iterable[Owner]) -> dict[str, float]:
    keys = [owner.key for owner in owners]
    rows = await session.execute(
        select(MarketPotential.owner_key, MarketPotential.value).where(
            MarketPotential.owner_key.in_(keys)
        )
    )
    return dict(rows.all())


async def set_market_potential(
    session: AsyncSession, actor: Actor, *, owner: Owner, value: float
) -> float:
    if value < 0:
        raise InvalidInput(
            "NEGATIVE_POTENTIAL", "市场潜力不能为负", "Market potential cannot be negative", "value"
        )
    await managed_owner(session, actor, owner)
    row = await session.scalar(
        select(MarketPotential).where(MarketPotential.owner_key == owner.key)
    )
    if row is None:
        session.add(MarketPotential(owner_key=owner.key, value=value))
    else:
        row.value = value
    await session.flush()
    return value


# --- workflow ---------------------------------------------------------------------------


async def propose_target(
    session: AsyncSession, actor: Actor, *, target_id: int, amount: int, reason: str
) -> Target:
    """Bottom-up: a rep for their own target, a manager for their own unit's."""
    _check_amount(amount)
    reason = _clean_reason(reason, required=True)
    target = await get_target(session, actor, target_id)
    own = (target.owner_rep_id is not None and target.owner_rep_id == actor.rep_id) or (
        target.owner_unit_id is not None
        and actor.has(Role.MANAGER, Role.DIRECTOR)
        and actor.scope_path is not None
        and (await owner_info(session, Owner.of(target))).path == actor.scope_path
    )
    if not own:
        raise Forbidden(
            "NOT_YOUR_TARGET",
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
    await _flush(session)
    _record(
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
        approver_path = (await owner_info(session, Owner.of(parent))).path
        approvers = (Role.ADMIN, Role.DIRECTOR, Role.MANAGER)
    else:
        approver_path = (await owner_info(session, Owner.of(target))).path
        approvers = (Role.ADMIN, Role.DIRECTOR)
    if not (actor.has(*approvers) and actor.manages_path(approver_path)):
        raise Forbidden(
            "NOT_APPROVER",
            "只有上级目标的负责人可以批准",
            "Only the owner of the parent target can approve it",
            "id",
        )
    return await _transition(session, actor, target, "approve")


async def lock_target(session: AsyncSession, actor: Actor, *, target_id: int) -> Target:
    target = await managed_target(session, actor, target_id)
    return await _transition(session, actor, target, "lock")


async def _transition(session, actor, target: Target, action: str) -> Target:
    old_status = target.status
    target.status = rules.next_status(TargetStatus(target.status), action).value
    await _flush(session)
    _record(
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
        await _transition(session, actor, target, "lock")
        count += 1
    return count


# --- calibration ------------------------------------------------------------------------


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
    _check_amount(amount)
    reason = _clean_reason(calibration.reason, required=True)
    target = await managed_target(session, actor, target_id)
    _check_version(target, expected_version)
    override = await _check_calibration(session, actor, [target], calibration, now)
    if target.parent_id is not None:
        parent = await session.get(Target, target.parent_id)
        if TargetStatus(parent.status) in (TargetStatus.APPROVED, TargetStatus.LOCKED):
            raise Conflict(
                "PARENT_SUM_FIXED",
                "上级目标已批准：请调整上级目标，或在同级之间调配（rebalanceTargets）",
                "The parent is approved: adjust the parent, or move amounts between siblings "
                "with rebalanceTargets",
                "amount",
            )
    old_amount = target.amount
    target.amount = amount
    await _flush(session)
    _record(
        session,
        actor,
        target,
        "adjust",
        old_amount=old_amount,
        old_status=target.status,
        reason=reason,
        override=override,
    )
    await _rescale_children(session, actor, target, reason)
    return target


async def _rescale_children(session, actor, parent: Target, reason: str) -> None:
    """Keep children summing to the parent: split the new amount by the old proportions."""
    children = list(
        await session.scalars(
            select(Target).where(Target.parent_id == parent.id).order_by(Target.id)
        )
    )
    if not children:
        return
    weights = [child.amount for child in children]
    if sum(weights) == 0:
        weights = [1] * len(children)
    for child, amount in zip(
        children, rules.largest_remainder(parent.amount, weights), strict=True
    ):
        if child.amount != amount:
            old = child.amount
            child.amount = amount
            await _flush(session)
            _record(
                session,
                actor,
                child,
                "adjust",
                old_amount=old,
                old_status=child.status,
                reason=f"{reason} (parent adjusted)",
            )
            await _rescale_children(session, actor, child, reason)


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
    reason = _clean_reason(calibration.reason, required=True)
    if len(moves) < 2 or len({m.target_id for m in moves}) != len(moves):
        raise InvalidInput(
            "TOO_FEW_TARGETS",
            "至少需要两个不同的同级目标",
            "Give at least two different sibling targets",
            "moves",
        )
    targets = []
    for move in moves:
        _check_amount(move.amount, "moves")
        target = await managed_target(session, actor, move.target_id, "moves")
        _check_version(target, move.expected_version, "moves")
        targets.append(target)
    if len({t.parent_id for t in targets}) != 1 or targets[0].parent_id is None:
        raise InvalidInput(
            "NOT_SIBLINGS",
            "这些目标不属于同一个上级目标",
            "The targets do not share a parent",
            "moves",
        )
    if sum(m.amount for m in moves) != sum(t.amount for t in targets):
        raise InvalidInput(
            "SUM_CHANGED",
            "调配前后的合计必须相同",
            "The amounts must add up to the same total as before",
            "moves",
        )
    override = await _check_calibration(session, actor, targets, calibration, now)
    for target, move in zip(targets, moves, strict=True):
        old = target.amount
        target.amount = move.amount
        await _flush(session, "moves")
        _record(
            session,
            actor,
            target,
            "rebalance",
            old_amount=old,
            old_status=target.status,
            reason=reason,
            override=override,
        )
        await _rescale_children(session, actor, target, reason)
    return targets


def _check_version(target: Target, expected: int, field: str = "expected_version") -> None:
    if target.version != expected:
        raise Conflict(
            "STALE_VERSION",
            f"目标已更新到第 {target.version} 版，请刷新后重试",
            f"The target is at version {target.version}, not {expected}: reload and retry",
            field,
        )


async def _check_calibration(session, actor, targets, calibration, now) -> bool:
    """Locked targets need a director; more than one calibration per window per unit needs
    a director's override with a reason. Returns whether an override was used."""
    is_director = actor.has(Role.DIRECTOR, Role.ADMIN)
    if any(t.status == TargetStatus.LOCKED.value for t in targets) and not is_director:
        raise Forbidden(
            "LOCKED",
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
    override = _clean_reason(calibration.override_reason, required=False)
    if is_director and override:
        return True
    raise Conflict(
        "CALIBRATION_TOO_SOON",
        f"该单元 {calibration.window_days} 天内已校准过；如需再次调整，需总监填写例外原因",
        f"This unit was calibrated in the last {calibration.window_days} days; a director "
        "can override with a reason",
        "override_reason",
    )


# --- reads ------------------------------------------------------------------------------


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


async def children_of_targets(
    session: AsyncSession, actor: Actor, parent_ids: Iterable[int]
) -> dict[int, list[Target]]:
    stmt = (
        select(Target)
        .where(Target.parent_id.in_(set(parent_ids)), target_visible(actor))
        .order_by(Target.period_start, Target.id)
    )
    children: dict[int, list[Target]] = {}
    for target in await session.scalars(stmt):
        children.setdefault(target.parent_id, []).append(target)
    return children


async def versions_of_targets(
    session: AsyncSession, target_ids: Iterable[int]
) -> dict[int, list[TargetVersion]]:
    stmt = (
        select(TargetVersion)
        .where(TargetVersion.target_id.in_(set(target_ids)))
        .order_by(TargetVersion.version, TargetVersion.id)
    )
    versions: dict[int, list[TargetVersion]] = {}
    for version in await session.scalars(stmt):
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
    from domain.org.service import units_in_subtree
    from domain.paging import fetch_page

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
