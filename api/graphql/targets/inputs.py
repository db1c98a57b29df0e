"""GraphQL inputs of the targets context, and each mutation's payload and error codes."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry
from strawberry import relay

from api.core.descriptions import describe_payload
from api.core.errors import ApiError, mutation_types
from api.core.scalars import BigInt
from api.graphql.targets.types import (
    TargetNode,
)
from domain.kernel.errors import KernelError
from domain.targets.errors import TargetError
from domain.targets.models import Metric, PeriodKind


@strawberry.enum(description="What to split a target over.")
class AllocationDimension(Enum):
    CHILDREN = strawberry.enum_value(
        "children", description="Over the owner's child units, or a unit's reps. 按下级分配。"
    )
    TIME = strawberry.enum_value(
        "time", description="Over shorter periods of the same owner. 按时间分配。"
    )


@strawberry.input(description="Relative weights of the components (normalised).")
class WeightsInput:
    history: float = strawberry.field(
        default=0.5, description="Weight of the history component (non-negative)."
    )
    potential: float = strawberry.field(
        default=0.3, description="Weight of the market-potential component (non-negative)."
    )
    capability: float = strawberry.field(
        default=0.2, description="Weight of the capability component (non-negative)."
    )


@strawberry.input(description="A new draft target for an owner in your scope.")
class SetTargetInput:
    metric: Metric = strawberry.field(description="What the target measures.")
    owner_id: relay.GlobalID = strawberry.field(description="An OrgUnit or a Rep.")
    period_kind: PeriodKind = strawberry.field(description="The period's kind.")
    period_start: date = strawberry.field(
        description="The period's first day, aligned to its kind (e.g. a Monday for WEEK)."
    )
    amount: BigInt = strawberry.field(
        description="The number, in the metric's unit: fen for money, basis points for ratios, a "
        "count for counts."
    )
    reason: str | None = strawberry.field(default=None, description="Why, kept in the history.")


@strawberry.input(description="How to split a target into child targets.")
class AllocateTargetInput:
    id: relay.GlobalID = strawberry.field(description="The target to split.")
    over: AllocationDimension = strawberry.field(
        description="Over the owner's child units or reps, or over shorter periods."
    )
    period_kind: PeriodKind | None = strawberry.field(
        default=None, description="For TIME: quarters, months or weeks."
    )
    weights: WeightsInput | None = strawberry.field(
        default=None,
        description="For CHILDREN: the weights of history, potential and capability; default 0.5,"
        " 0.3, 0.2.",
    )
    even: bool = strawberry.field(
        default=False, description="Split evenly instead — only when you really mean it."
    )
    profile: str | None = strawberry.field(
        default=None,
        description="For TIME: a named seasonal profile (see `seasonalProfiles`) instead of "
        "the owner's own history.",
    )


@strawberry.input(description="A bottom-up number for your own target (or your own unit's).")
class ProposeTargetInput:
    id: relay.GlobalID = strawberry.field(description="The target.")
    amount: BigInt = strawberry.field(
        description="The number you propose, in the target's unit; the target's amount stays "
        "until it is adjusted."
    )
    reason: str = strawberry.field(description="Why; shown in the reconciliation.")


@strawberry.input(description="Approve a target (by the owner of its parent target).")
class ApproveTargetInput:
    id: relay.GlobalID = strawberry.field(description="The target.")


@strawberry.input(description="Lock an approved target: then only a director can change it.")
class LockTargetInput:
    id: relay.GlobalID = strawberry.field(description="The target.")


@strawberry.input(description="A new amount for a target; its children are rescaled to follow.")
class AdjustTargetInput:
    id: relay.GlobalID = strawberry.field(description="The target.")
    expected_version: int = strawberry.field(
        description="The target's `version` as you read it; a stale one is refused with "
        "STALE_VERSION."
    )
    amount: BigInt = strawberry.field(description="The new amount, in the target's unit.")
    reason: str = strawberry.field(description="Why; kept in the history.")
    override_reason: str | None = strawberry.field(
        default=None, description="A director's reason to calibrate again within the window."
    )


@strawberry.input(description="One sibling target's new amount.")
class MoveInput:
    id: relay.GlobalID = strawberry.field(description="The target.")
    expected_version: int = strawberry.field(description="The target's `version` as you read it.")
    amount: BigInt = strawberry.field(description="Its new amount, in the target's unit.")


@strawberry.input(description="New amounts for sibling targets; their sum must not change.")
class RebalanceTargetsInput:
    moves: list[MoveInput] = strawberry.field(
        description="At least two sibling targets with their new amounts."
    )
    reason: str = strawberry.field(description="Why; kept in each target's history.")
    override_reason: str | None = strawberry.field(
        default=None, description="A director's reason to calibrate again within the window."
    )


@strawberry.input(description="An owner's market potential, an input of allocations over children.")
class SetMarketPotentialInput:
    owner_id: relay.GlobalID = strawberry.field(description="An OrgUnit or a Rep.")
    value: float = strawberry.field(description="Relative market size; any non-negative scale.")


FOUND = [ApiError.INVALID_ID, TargetError.TARGET_NOT_FOUND]
CALIBRATION = [
    TargetError.NEGATIVE_AMOUNT,
    TargetError.REASON_REQUIRED,
    KernelError.STALE_VERSION,
    TargetError.LOCKED,
    TargetError.CALIBRATION_TOO_SOON,
]

SetTarget = mutation_types(
    "SetTarget",
    "target",
    TargetNode,
    [
        ApiError.INVALID_ID,
        TargetError.OWNER_NOT_FOUND,
        TargetError.PERIOD_NOT_ALIGNED,
        TargetError.NEGATIVE_AMOUNT,
        TargetError.TARGET_EXISTS,
    ],
)
AllocateTarget = mutation_types(
    "AllocateTarget",
    "target",
    TargetNode,
    [
        *FOUND,
        TargetError.NOT_YOUR_SCOPE,
        TargetError.PERIOD_REQUIRED,
        TargetError.INVALID_SPLIT,
        TargetError.NO_CHILDREN,
        TargetError.ZERO_WEIGHTS,
        TargetError.NO_ALLOCATION_BASIS,
        TargetError.CHILD_APPROVED,
        TargetError.UNKNOWN_PROFILE,
        TargetError.PROFILE_NOT_FOR_CHILDREN,
        KernelError.STALE_VERSION,  # a child changed meanwhile
        TargetError.TARGET_EXISTS,  # a concurrent allocation created the same child
    ],
    extra={"children": list[TargetNode]},
)
describe_payload(AllocateTarget, children="The child targets of the split, new or updated.")
ProposeTarget = mutation_types(
    "ProposeTarget",
    "target",
    TargetNode,
    [
        *FOUND,
        TargetError.NEGATIVE_AMOUNT,
        TargetError.REASON_REQUIRED,
        TargetError.NOT_YOUR_TARGET,
        TargetError.INVALID_STATUS,
        KernelError.STALE_VERSION,
    ],
)
ApproveTarget = mutation_types(
    "ApproveTarget",
    "target",
    TargetNode,
    [*FOUND, TargetError.NOT_APPROVER, TargetError.INVALID_STATUS, KernelError.STALE_VERSION],
)
LockTarget = mutation_types(
    "LockTarget",
    "target",
    TargetNode,
    [*FOUND, TargetError.NOT_YOUR_SCOPE, TargetError.INVALID_STATUS, KernelError.STALE_VERSION],
)
AdjustTarget = mutation_types(
    "AdjustTarget",
    "target",
    TargetNode,
    [*FOUND, TargetError.NOT_YOUR_SCOPE, *CALIBRATION, TargetError.PARENT_SUM_FIXED],
)
RebalanceTargets = mutation_types(
    "RebalanceTargets",
    "targets",
    list[TargetNode],
    [
        *FOUND,
        TargetError.NOT_YOUR_SCOPE,
        *CALIBRATION,
        TargetError.TOO_FEW_TARGETS,
        TargetError.NOT_SIBLINGS,
        TargetError.SUM_CHANGED,
    ],
)
SetMarketPotential = mutation_types(
    "SetMarketPotential",
    "value",
    float,
    [ApiError.INVALID_ID, TargetError.OWNER_NOT_FOUND, TargetError.NEGATIVE_POTENTIAL],
)
