"""Pure target rules: exact splits, composite allocation weights, explanations, pacing,
the status workflow, and the one rule that keeps every split whole.

The rule: the children of a target always sum exactly to it, whatever the status of either.
A target has one split (over its owner's children, or over one kind of sub-period) and
belongs to at most one. A child's amount changes only with its parent's split: allocating
the parent again, adjusting the parent (its children follow in proportion, all the way
down), or moving amounts between siblings (rebalance, which keeps their total). A child is
never adjusted alone: that would take the amount from its siblings or from its parent
without naming them, so it is refused with PARENT_SUM_FIXED, and its owner proposes a
number instead (proposeTarget) for the parent's owner to rebalance."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from domain.errors import Conflict, InvalidInput
from domain.targets.errors import TargetError
from domain.targets.models import MetricUnit, PeriodKind, TargetStatus

# --- exact splits -----------------------------------------------------------------------


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Split a non-negative integer in proportion to the weights so the parts sum exactly
    to the total; leftover units go to the largest remainders, ties to the earlier child."""
    if total < 0:
        raise InvalidInput(
            TargetError.NEGATIVE_AMOUNT, "金额不能为负", "The amount cannot be negative", "amount"
        )
    if any(w < 0 or math.isnan(w) or math.isinf(w) for w in weights):
        raise InvalidInput(
            TargetError.INVALID_WEIGHTS,
            "权重必须是非负数",
            "Weights must be non-negative",
            "weights",
        )
    weight_sum = sum(weights)
    if not weights or weight_sum <= 0:
        raise InvalidInput(
            TargetError.ZERO_WEIGHTS,
            "所有权重都为零，无法拆分",
            "Every weight is zero: there is nothing to split by",
            "weights",
        )
    # exact rational arithmetic on the weights as given: in floats, a large total (2^53 and
    # up) can floor some parts too high, and the parts would no longer sum to the total
    fractions = [Fraction(w) for w in weights]
    fraction_sum = sum(fractions)
    exact = [total * f / fraction_sum for f in fractions]
    parts = [math.floor(x) for x in exact]
    leftover = total - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[:leftover]:
        parts[i] += 1
    return parts


def rescale(total: int, amounts: Sequence[int]) -> list[int]:
    """The children's amounts once their parent's becomes `total`: in proportion to what they
    had (evenly when they all had nothing), by the exact largest remainder. They sum exactly
    to the total, and a split that already sums to it comes back unchanged."""
    if total < 0:
        raise InvalidInput(
            TargetError.NEGATIVE_AMOUNT, "金额不能为负", "The amount cannot be negative", "amount"
        )
    if not amounts:
        return []
    if any(a < 0 for a in amounts):
        raise InvalidInput(
            TargetError.INVALID_WEIGHTS,
            "权重必须是非负数",
            "Weights must be non-negative",
            "weights",
        )
    return largest_remainder(total, list(amounts) if any(amounts) else [1] * len(amounts))


# --- one split per target ---------------------------------------------------------------


@dataclass(frozen=True)
class SplitShape:
    """How a target is split: over its owner's children (same period), or over time (same
    owner) into periods of one kind."""

    over_time: bool
    period_kind: PeriodKind

    @classmethod
    def of_child(cls, parent_owner_key: str, child_owner_key: str, child_kind: str) -> SplitShape:
        return cls(child_owner_key == parent_owner_key, PeriodKind(child_kind))

    def labels(self) -> tuple[str, str]:
        if not self.over_time:
            return "按下级拆分", "over its owner's children"
        return f"按{self.period_kind.label_zh}拆分", f"into {self.period_kind.label_en.lower()}s"


def check_one_split(existing: Iterable[SplitShape], wanted: SplitShape) -> None:
    """A target has one split: allocating it again the same way refreshes that split; another
    way would give it two sets of children that each sum to it."""
    for shape in set(existing):
        if shape != wanted:
            done_zh, done_en = shape.labels()
            raise InvalidInput(
                TargetError.INVALID_SPLIT,
                f"该目标已{done_zh}，一个目标只能有一种拆分方式；可以继续拆分它的下级目标",
                f"This target is already split {done_en}; a target has one split only "
                "(split its children further instead)",
                "over",
            )


def check_free_child(current_parent_id: int | None, parent_id: int, name: str) -> None:
    """A target belongs to one split: allocation may take in a target that has no parent, or
    refresh its own child, never take a child from another target's split."""
    if current_parent_id is not None and current_parent_id != parent_id:
        raise InvalidInput(
            TargetError.INVALID_SPLIT,
            f"{name}在该期间的目标已属于另一个目标的拆分；一个目标只能有一个上级",
            f"{name}'s target for that period already belongs to another target's split; "
            "a target has one parent",
            "over",
        )


def check_adjustable(has_parent: bool) -> None:
    """Only a target that is not part of a split is adjusted directly, in every status."""
    if has_parent:
        raise Conflict(
            TargetError.PARENT_SUM_FIXED,
            "该目标是上级目标拆分的一部分，不能单独调整：请在同级之间调配（rebalanceTargets），"
            "或调整上级目标（下级按比例跟随），或提报你的数字（proposeTarget）",
            "This target is part of its parent's split and cannot change alone: move amounts "
            "between siblings with rebalanceTargets, adjust the parent (its children follow), "
            "or propose your number with proposeTarget",
            "amount",
        )


# --- composite weights over children ----------------------------------------------------

COMPONENTS = ("history", "potential", "capability")
COMPONENT_LABELS = {
    "history": ("历史", "history"),
    "potential": ("潜力", "potential"),
    "capability": ("能力", "capability"),
}


@dataclass(frozen=True)
class WeightMix:
    """How much each component counts (normalised; a component without data is left out)."""

    history: float = 0.5
    potential: float = 0.3
    capability: float = 0.2

    def __post_init__(self) -> None:
        values = [self.history, self.potential, self.capability]
        if any(v < 0 for v in values) or sum(values) <= 0:
            raise InvalidInput(
                TargetError.ZERO_WEIGHTS,
                "权重必须非负且不能全为零",
                "Weights must be non-negative and not all zero",
                "weights",
            )


@dataclass(frozen=True)
class ChildInputs:
    """What a child brings to the split; None means "not measured"."""

    key: str
    name: str
    history: float | None
    potential: float | None
    capability: float | None


@dataclass(frozen=True)
class ChildShare:
    child: ChildInputs
    components: dict[str, float | None]  # each component's share, None when left out
    share: float


def component_shares(values: Sequence[float | None]) -> list[float] | None:
    """Shares of a component across children, or None when no child has a positive value."""
    known = [v or 0.0 for v in values]
    total = sum(known)
    if total <= 0:
        return None
    return [v / total for v in known]


def composite_shares(children: Sequence[ChildInputs], mix: WeightMix) -> list[ChildShare]:
    """Each child's share of the parent: the mix of the components that have data."""
    weights = {"history": mix.history, "potential": mix.potential, "capability": mix.capability}
    found = {name: component_shares([getattr(c, name) for c in children]) for name in COMPONENTS}
    shares = {name: values for name, values in found.items() if values}
    used = {name: weights[name] for name in COMPONENTS if name in shares and weights[name] > 0}
    if not used:
        raise InvalidInput(
            TargetError.NO_ALLOCATION_BASIS,
            "没有历史、潜力或能力数据可用于分配；如确需平均分配请明确选择",
            "No history, potential or capability to allocate by; ask for an even split "
            "explicitly if that is what you want",
            "children",
        )
    weight_sum = sum(used.values())
    result = []
    for i, child in enumerate(children):
        components = {name: (shares[name][i] if name in used else None) for name in COMPONENTS}
        share = sum(weights[name] * shares[name][i] for name in used) / weight_sum
        result.append(ChildShare(child, components, share))
    return result


def check_profile(weights: Sequence[float]) -> list[float]:
    """A month-of-year profile: twelve non-negative weights, not all zero."""
    if (
        len(weights) != 12
        or any(w < 0 or math.isnan(w) or math.isinf(w) for w in weights)
        or sum(weights) <= 0
    ):
        raise InvalidInput(
            TargetError.INVALID_PROFILE,
            "季节性曲线需要 12 个非负权重（一月到十二月），且不能全为零",
            "A profile needs twelve non-negative weights (January to December), not all zero",
            "weights",
        )
    return [float(w) for w in weights]


# --- explanation ------------------------------------------------------------------------


def format_amount(amount: int, unit: MetricUnit) -> str:
    if unit == MetricUnit.MONEY:
        return f"{amount / 100:,.2f}"
    if unit == MetricUnit.RATIO:
        return f"{amount / 100:.2f}%"
    return f"{amount:,}"


def explanation(
    amount: int, share: ChildShare, parent_name: str, parent_amount: int, unit: MetricUnit
) -> dict[str, object]:
    """The record stored on an allocated target: inputs, shares and the sentences."""
    mine, theirs = format_amount(amount, unit), format_amount(parent_amount, unit)
    percent = f"{share.share * 100:.1f}%"
    parts_zh, parts_en = [], []
    for name in COMPONENTS:
        label_zh, label_en = COMPONENT_LABELS[name]
        value = share.components[name]
        if value is None:
            parts_zh.append(f"{label_zh}未计入")
            parts_en.append(f"{label_en} not used")
        else:
            parts_zh.append(f"{label_zh} {value * 100:.0f}%")
            parts_en.append(f"{label_en} {value * 100:.0f}%")
    return {
        "share": share.share,
        "components": share.components,
        "inputs": {
            "history": share.child.history,
            "potential": share.child.potential,
            "capability": share.child.capability,
        },
        "parent": {"name": parent_name, "amount": parent_amount},
        "sentence_zh": f"你的 {mine} = {parent_name} {theirs} 的 {percent}：{'，'.join(parts_zh)}",
        "sentence_en": f"your {mine} = {percent} of {parent_name}'s {theirs}: "
        + ", ".join(parts_en),
    }


# --- pacing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pace:
    target: int
    achieved: int
    expected_to_date: float
    completion: float | None  # achieved / target
    pace_ratio: float | None  # achieved / expected to date
    projection: float  # run-rate to the period end
    gap: float  # target - projection (positive: short)
    weighted_pipeline: float = 0.0  # open deals closing in the rest of the period × p(stage)

    @property
    def pipeline_projection(self) -> float:
        """What is achieved plus what the open pipeline is expected to bring."""
        return self.achieved + self.weighted_pipeline


def pace(
    target: int,
    achieved: int,
    elapsed_share: float,
    elapsed_working: int,
    total_working: int,
    weighted_pipeline: float = 0.0,
) -> Pace:
    """Completion, pace against the expected share of the period so far, and a run-rate
    projection to its end. `elapsed_share` is the expected fraction done by now (working
    days elapsed / all, or the seasonal profile's share)."""
    expected = target * elapsed_share
    if elapsed_working > 0:
        projection = achieved * total_working / elapsed_working
    else:
        projection = float(achieved)
    return Pace(
        target=target,
        achieved=achieved,
        expected_to_date=expected,
        completion=achieved / target if target else None,
        pace_ratio=achieved / expected if expected else None,
        projection=projection,
        gap=target - projection,
        weighted_pipeline=weighted_pipeline,
    )


def expected_share(
    days: Iterable[date],
    cutoff: date,
    is_working: Callable[[date], bool],
    monthly_profile: Mapping[int, float] | None = None,
) -> float:
    """The share of a period's work expected done before `cutoff`: its working days, each
    weighted by its month's weight in the profile (all equal without one)."""
    working = [day for day in days if is_working(day)]
    if not working:
        return 1.0
    per_month = Counter(day.month for day in working)
    profile = monthly_profile if monthly_profile and any(monthly_profile.values()) else None

    def weight(day: date) -> float:
        return profile.get(day.month, 0.0) / per_month[day.month] if profile else 1.0

    total = sum(weight(day) for day in working)
    if total <= 0:
        return sum(day < cutoff for day in working) / len(working)
    return sum(weight(day) for day in working if day < cutoff) / total


def forecast_accuracy(projections: Sequence[float], actual: int) -> float | None:
    """1 − the mean absolute percentage error of the projections, floored at 0; None when
    there is nothing to judge (no projections, or nothing achieved)."""
    if not projections or actual <= 0:
        return None
    error = sum(abs(p - actual) for p in projections) / (len(projections) * actual)
    return max(0.0, 1.0 - error)


# --- workflow ---------------------------------------------------------------------------

NEXT_STATUS = {
    "propose": ({TargetStatus.DRAFT}, TargetStatus.PROPOSED),
    "approve": ({TargetStatus.DRAFT, TargetStatus.PROPOSED}, TargetStatus.APPROVED),
    "lock": ({TargetStatus.APPROVED}, TargetStatus.LOCKED),
}


def next_status(current: TargetStatus, action: str) -> TargetStatus:
    allowed_from, to = NEXT_STATUS[action]
    if current not in allowed_from:
        raise Conflict(
            TargetError.INVALID_STATUS,
            f"状态为“{current.label_zh}”的目标不能执行此操作",
            f"A target in status {current.value} cannot be {to.value}",
            "id",
        )
    return to
