"""The owners of forecasts and the tree below a unit: who may speak for which unit or rep,
the subtree's units and reps (two statements), the levels a roll-up shows, and the calls
standing in a week."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import not_found
from domain.forecasts import rules
from domain.forecasts.models import ForecastCall
from domain.forecasts.rules import CallAmounts
from domain.kernel.actor import Actor, Role
from domain.org.errors import OrgError
from domain.org.models import OrgUnit, Rep, RepStatus
from domain.targets.models import PeriodKind, Target
from domain.targets.periods import Period

MANAGERS = (Role.ADMIN, Role.DIRECTOR, Role.MANAGER)


async def rep_unit_path(session: AsyncSession, rep_id: int) -> str | None:
    return await session.scalar(
        select(OrgUnit.path).join(Rep, Rep.unit_id == OrgUnit.id).where(Rep.id == rep_id)
    )


def manages(actor: Actor, path: str | None) -> bool:
    return path is not None and actor.has(*MANAGERS) and actor.manages_path(path)


@dataclass(frozen=True)
class Owner:
    """Whose call: an org unit (its managers speak for it) or a rep."""

    unit_id: int | None = None
    rep_id: int | None = None

    @property
    def key(self) -> str:
        return f"unit:{self.unit_id}" if self.unit_id is not None else f"rep:{self.rep_id}"


@dataclass
class Tree:
    """A unit's subtree: its units, its reps, who sits directly below whom."""

    root: OrgUnit
    units: dict[int, OrgUnit]
    reps: dict[int, Rep]
    children: dict[int, list[Owner]] = field(default_factory=dict)

    def below(self, owner: Owner) -> list[Owner]:
        return self.children.get(owner.unit_id, []) if owner.unit_id is not None else []

    def reps_under(self, owner: Owner) -> list[int]:
        """The reps whose results count for the owner (a rep itself, a unit's subtree)."""
        if owner.rep_id is not None:
            return [owner.rep_id]
        unit = self.units[owner.unit_id] if owner.unit_id is not None else self.root
        return [
            r.id for r in self.reps.values() if self.units[r.unit_id].path.startswith(unit.path)
        ]

    def name(self, owner: Owner) -> str:
        if owner.rep_id is not None:
            return self.reps[owner.rep_id].name
        return self.units[owner.unit_id].name if owner.unit_id is not None else ""


async def load_tree(session: AsyncSession, unit: OrgUnit) -> Tree:
    """Two statements: the units of the subtree and their reps (those not gone)."""
    units = {
        u.id: u
        for u in await session.scalars(select(OrgUnit).where(OrgUnit.path.startswith(unit.path)))
    }
    reps = {
        r.id: r
        for r in await session.scalars(
            select(Rep)
            .where(Rep.unit_id.in_(units), Rep.status != RepStatus.INACTIVE.value)
            .order_by(Rep.id)
        )
    }
    children: dict[int, list[Owner]] = defaultdict(list)
    for u in sorted(units.values(), key=lambda u: u.id):
        if u.parent_id in units:
            children[u.parent_id].append(Owner(unit_id=u.id))
    for rep in reps.values():
        children[rep.unit_id].append(Owner(rep_id=rep.id))
    return Tree(unit, units, reps, dict(children))


async def visible_unit(session: AsyncSession, actor: Actor, unit_id: int) -> OrgUnit:
    """A unit the actor manages, or a rep's own unit, else UNIT_NOT_FOUND."""
    unit = await session.get(OrgUnit, unit_id)
    if unit is None or not (manages(actor, unit.path) or actor.rep_unit_id == unit.id):
        raise not_found(OrgError.UNIT_NOT_FOUND, "unit_id", "组织单元", "org unit")
    return unit


def levels(tree: Tree, actor: Actor) -> list[Owner]:
    """The unit itself, then what is directly below it that the actor may see (a rep who
    does not manage the unit sees only their own line)."""
    root = Owner(unit_id=tree.root.id)
    if manages(actor, tree.root.path):
        return [root, *tree.below(root)]
    return [
        root,
        *(o for o in tree.below(root) if o.rep_id is not None and o.rep_id == actor.rep_id),
    ]


async def standing_calls(
    session: AsyncSession, owners: list[Owner], metric: str, period: Period, week: date
) -> dict[str, ForecastCall]:
    """Per owner key: the call standing in `week` (that week's, else the latest before)."""
    rows = await session.scalars(
        select(ForecastCall).where(
            ForecastCall.owner_key.in_({o.key for o in owners}),
            ForecastCall.metric == metric,
            ForecastCall.period_kind == period.kind.value,
            ForecastCall.period_start == period.start,
            ForecastCall.week_start <= week,
        )
    )
    by_owner: dict[str, list[tuple[date, ForecastCall]]] = defaultdict(list)
    for call in rows:
        by_owner[call.owner_key].append((call.week_start, call))
    found = {key: rules.latest_by_week(calls, week) for key, calls in by_owner.items()}
    return {key: call for key, call in found.items() if call is not None}


def amounts_of(call: ForecastCall | None) -> CallAmounts | None:
    return None if call is None else CallAmounts(call.commit_amount, call.best_case_amount)


async def period_targets(
    session: AsyncSession,
    reps: Mapping[Owner, Sequence[int]],
    metric: str,
    period: Period,
    statuses: Sequence[str] | None = None,
) -> dict[str, int]:
    """Per owner key, the period's target: the owner's own, else — a unit planned only at
    its reps' level — the sum of its reps' month targets in the period (approved children
    sum to their parent). Two statements; `statuses` narrows to approved ones, say."""
    months = [Period(PeriodKind.MONTH, period.start)]
    while months[-1].end < period.end:
        months.append(Period(PeriodKind.MONTH, months[-1].end))
    rated = [Target.status.in_(statuses)] if statuses is not None else []
    own = await session.execute(
        select(Target.owner_key, Target.amount).where(
            Target.owner_key.in_({o.key for o in reps}),
            Target.metric == metric,
            Target.period_kind == period.kind.value,
            Target.period_start == period.start,
            *rated,
        )
    )
    found = {key: int(amount) for key, amount in own}
    rep_ids = {r for o, ids in reps.items() if o.key not in found for r in ids}
    if not rep_ids:
        return found
    rows = await session.execute(
        select(Target.owner_rep_id, func.sum(Target.amount))
        .where(
            Target.owner_rep_id.in_(rep_ids),
            Target.metric == metric,
            Target.period_kind == PeriodKind.MONTH.value,
            Target.period_start.in_([m.start for m in months]),
            *rated,
        )
        .group_by(Target.owner_rep_id)
    )
    per_rep = {rep_id: int(total or 0) for rep_id, total in rows}
    for owner, ids in reps.items():
        if owner.key not in found and any(r in per_rep for r in ids):
            found[owner.key] = sum(per_rep.get(r, 0) for r in ids)
    return found
