"""Allocation: split a target over its owner's children or over time, by composite weights
of history, market potential and capability, each child keeping its explanation.

A target has one split and a target belongs to one split (see `rules`): allocating again
the same way refreshes the split, its children's own children follow their new amounts, and
a former child that is no longer there (a rep who left, a unit moved away) leaves the split
with its amount; another way of splitting, or taking a child of another target's split, is
INVALID_SPLIT."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Conflict, InvalidInput
from domain.kernel.actor import Actor
from domain.org.models import OrgUnit, Rep
from domain.targets import actuals, rules
from domain.targets.errors import TargetError
from domain.targets.models import (
    METRIC_UNITS,
    MarketPotential,
    Metric,
    PeriodKind,
    SeasonalProfile,
    Target,
    TargetStatus,
)
from domain.targets.periods import Period
from domain.targets.service import (
    Owner,
    OwnerInfo,
    flush_new_targets,
    hold_split,
    managed_owner,
    managed_target,
    new_target,
    owner_info,
    record_version,
    rescale_children,
)


@dataclass(frozen=True)
class AllocationPlan:
    into_children: bool
    period_kind: PeriodKind | None
    mix: rules.WeightMix
    even: bool
    history_months: int = 12
    profile: str | None = None  # a named seasonal profile, for splits over time


async def allocate_target(
    session: AsyncSession, actor: Actor, *, target_id: int, plan: AllocationPlan, today: date
) -> list[Target]:
    """Split a target over the owner's children (units, or a team's reps) or over time,
    creating or refreshing their draft targets, each with its explanation."""
    parent = await hold_split(session, (await managed_target(session, actor, target_id)).id)
    info = await owner_info(session, Owner.of(parent))
    period = Period(PeriodKind(parent.period_kind), parent.period_start)
    metric = Metric(parent.metric)
    if plan.into_children and plan.profile:
        raise InvalidInput(
            TargetError.PROFILE_NOT_FOR_CHILDREN,
            "季节性曲线只用于按时间拆分",
            "A seasonal profile only applies to splits over time",
            "profile",
        )
    if plan.into_children:
        children = await _child_owners(session, info)
        slots = [(child, period) for child in children]
        inputs = await _child_inputs(session, metric, children, today, plan.history_months)
    else:
        if plan.period_kind is None:
            raise InvalidInput(
                TargetError.PERIOD_REQUIRED,
                "按时间拆分时请指定周期类型",
                "Give periodKind to split over time",
                "period_kind",
            )
        periods = period.children(plan.period_kind)
        slots = [(info, p) for p in periods]
        inputs = await _time_inputs(session, metric, info, periods, today, plan.profile)
    if not slots:
        raise InvalidInput(
            TargetError.NO_CHILDREN,
            "没有可分配的下级",
            "There is nothing below this target",
            "target_id",
        )
    if plan.even:
        inputs = [rules.ChildInputs(i.key, i.name, 1.0, None, None) for i in inputs]
    split = list(
        await session.scalars(
            select(Target).where(Target.parent_id == parent.id).order_by(Target.id)
        )
    )
    rules.check_one_split(
        (rules.SplitShape.of_child(parent.owner_key, t.owner_key, t.period_kind) for t in split),
        rules.SplitShape(not plan.into_children, slots[0][1].kind),
    )
    shares = rules.composite_shares(inputs, plan.mix)
    amounts = rules.largest_remainder(parent.amount, [s.share for s in shares])
    unit = METRIC_UNITS[metric]
    existing = await _existing(session, metric, slots)
    results, created, changed = [], [], []
    for (child_info, child_period), share, amount in zip(slots, shares, amounts, strict=True):
        record = rules.explanation(amount, share, info.name, parent.amount, unit)
        record["method"] = "even" if plan.even else "composite"
        current = existing.get((child_info.owner.key, child_period.start))
        if current is None:
            current = new_target(metric, child_info.owner, child_period, amount, parent, record)
            created.append(current)
        else:
            rules.check_free_child(current.parent_id, parent.id, child_info.name)
            if before := _refresh(current, child_info, amount, parent, record):
                changed.append((current, *before))
        results.append(current)
    left = _leave_split(split, {t.id for t in results}, info.name)
    session.add_all(created)
    await flush_new_targets(session)  # one round of inserts and updates for all children
    for target in created:
        record_version(
            session, actor, target, "allocate", old_amount=None, old_status=None, reason=None
        )
    for target, old_amount, old_status in changed:
        record_version(
            session,
            actor,
            target,
            "allocate",
            old_amount=old_amount,
            old_status=old_status,
            reason=None,
        )
    for target in left:
        record_version(
            session,
            actor,
            target,
            "allocate",
            old_amount=target.amount,
            old_status=target.status,
            reason=f"不再属于{info.name}的拆分 / no longer part of {info.name}'s split",
        )
    for target, _, _ in changed:  # a child's own split follows its new amount
        await rescale_children(session, actor, target, "allocate", f"{info.name} re-allocated")
    return results


def _leave_split(split: list[Target], kept: set[int], parent_name: str) -> list[Target]:
    """Former children with no place in the new split (a rep who left, a unit moved away)
    leave it with their amount, so the split holds exactly the current children."""
    leaving = [child for child in split if child.id not in kept]
    for child in leaving:
        if TargetStatus(child.status) in (TargetStatus.APPROVED, TargetStatus.LOCKED):
            raise Conflict(
                TargetError.CHILD_APPROVED,
                f"{parent_name}的拆分中有已批准的目标不在新的拆分里，不能重新分配",
                f"An approved target of {parent_name}'s split has no place in the new split, "
                "so it cannot be re-allocated",
                "target_id",
            )
        child.parent_id = None
    return leaving


async def _existing(session: AsyncSession, metric: Metric, slots) -> dict:
    """The children's targets that already exist, by (owner key, period start)."""
    rows = await session.scalars(
        select(Target).where(
            Target.metric == metric.value,
            Target.owner_key.in_({info.owner.key for info, _ in slots}),
            Target.period_kind == slots[0][1].kind.value,
            Target.period_start.in_({period.start for _, period in slots}),
        )
    )
    return {(t.owner_key, t.period_start): t for t in rows}


def _refresh(
    target: Target, info: OwnerInfo, amount: int, parent: Target, record
) -> tuple[int, str] | None:
    """Re-allocate a draft or proposed child; its old amount and status, or None when
    nothing changes."""
    if TargetStatus(target.status) in (TargetStatus.APPROVED, TargetStatus.LOCKED):
        raise Conflict(
            TargetError.CHILD_APPROVED,
            f"{info.name}的目标已批准，不能重新分配",
            f"{info.name}'s target is already approved and cannot be re-allocated",
            "target_id",
        )
    wanted = (amount, parent.id, record, TargetStatus.DRAFT.value)
    if (target.amount, target.parent_id, target.explanation, target.status) == wanted:
        return None
    before = (target.amount, target.status)
    target.amount, target.parent_id, target.explanation = amount, parent.id, record
    target.status = TargetStatus.DRAFT.value
    return before


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


async def _time_inputs(session, metric, info, periods: Sequence[Period], today, profile):
    """Weights of the periods: a named profile's month weights, else the owner's history in
    the same months of the past two years."""
    if profile:
        row = await session.get(SeasonalProfile, profile)
        if row is None:
            raise InvalidInput(
                TargetError.UNKNOWN_PROFILE,
                "没有这个季节性曲线",
                "No seasonal profile of that name",
                "profile",
            )
        months = dict(enumerate(row.weights, start=1))
    else:
        months = await actuals.monthly_history(session, metric, info.owner, today, years=2)
    inputs = []
    for period in periods:
        weight = sum(
            months.get(day.month, 0) / monthrange(day.year, day.month)[1] for day in period.days()
        )
        inputs.append(rules.ChildInputs(period.label(), period.label(), weight, None, None))
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
            TargetError.NEGATIVE_POTENTIAL,
            "市场潜力不能为负",
            "Market potential cannot be negative",
            "value",
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
