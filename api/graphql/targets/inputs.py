"""GraphQL inputs of the targets context, and each mutation's payload and error codes."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry
from strawberry import relay

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
    CHILDREN = "children"
    TIME = "time"


@strawberry.input(description="Relative weights of the components (normalised).")
class WeightsInput:
    history: float = 0.5
    potential: float = 0.3
    capability: float = 0.2


@strawberry.input
class SetTargetInput:
    metric: Metric
    owner_id: relay.GlobalID = strawberry.field(description="An OrgUnit or a Rep.")
    period_kind: PeriodKind
    period_start: date
    amount: BigInt
    reason: str | None = None


@strawberry.input
class AllocateTargetInput:
    id: relay.GlobalID
    over: AllocationDimension
    period_kind: PeriodKind | None = strawberry.field(
        default=None, description="For TIME: quarters, months or weeks."
    )
    weights: WeightsInput | None = None
    even: bool = strawberry.field(
        default=False, description="Split evenly instead — only when you really mean it."
    )
    profile: str | None = strawberry.field(
        default=None,
        description="For TIME: a named seasonal profile (see `seasonalProfiles`) instead of "
        "the owner's own history.",
    )


@strawberry.input
class ProposeTargetInput:
    id: relay.GlobalID
    amount: BigInt
    reason: str


@strawberry.input
class ApproveTargetInput:
    id: relay.GlobalID


@strawberry.input
class LockTargetInput:
    id: relay.GlobalID


@strawberry.input
class AdjustTargetInput:
    id: relay.GlobalID
    expected_version: int
    amount: BigInt
    reason: str
    override_reason: str | None = strawberry.field(
        default=None, description="A director's reason to calibrate again within the window."
    )


@strawberry.input
class MoveInput:
    id: relay.GlobalID
    expected_version: int
    amount: BigInt


@strawberry.input
class RebalanceTargetsInput:
    moves: list[MoveInput]
    reason: str
    override_reason: str | None = None


@strawberry.input
class SetMarketPotentialInput:
    owner_id: relay.GlobalID
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
