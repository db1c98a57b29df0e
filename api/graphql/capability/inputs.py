"""GraphQL inputs of capability, and each mutation's payload and error codes."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay

from api.core.errors import ApiError, mutation_types
from api.graphql.capability.types import (
    CapabilityProfile,
    CapabilityRefreshSummary,
    CapabilityScore,
    CustomerRating,
    MilestoneRunSummary,
)
from domain.capability.errors import CapabilityError
from domain.kernel.errors import KernelError
from domain.org.errors import OrgError
from domain.pipeline.errors import PipelineError
from domain.targets.errors import TargetError

REP = [
    ApiError.INVALID_ID,
    OrgError.REP_NOT_FOUND,
    CapabilityError.NOT_A_MANAGER,
    CapabilityError.UNKNOWN_DIMENSION,
]

RecordCustomerRating = mutation_types(
    "RecordCustomerRating",
    "rating",
    CustomerRating,
    [
        ApiError.INVALID_ID,
        CapabilityError.ONE_SUBJECT,
        PipelineError.FOLLOW_UP_NOT_FOUND,
        PipelineError.OPPORTUNITY_NOT_FOUND,
        CapabilityError.NOT_A_MANAGER,
        CapabilityError.INVALID_RATING,
        CapabilityError.UNKNOWN_DIMENSION,
        CapabilityError.RATED_IN_FUTURE,
        KernelError.REQUIRED,
        KernelError.TOO_LONG,
        TargetError.INVALID_EXTERNAL_ID,
        CapabilityError.EXTERNAL_ID_REUSED,
    ],
    extra={"profile": CapabilityProfile},
)
OverrideCapabilityScore = mutation_types(
    "OverrideCapabilityScore",
    "score",
    CapabilityScore,
    [*REP, CapabilityError.INVALID_SCORE, KernelError.REQUIRED, KernelError.TOO_LONG],
)
ClearCapabilityOverride = mutation_types(
    "ClearCapabilityOverride",
    "score",
    CapabilityScore,
    [*REP, CapabilityError.NO_OVERRIDE, KernelError.REQUIRED, KernelError.TOO_LONG],
)
RefreshCapabilities = mutation_types(
    "RefreshCapabilities", "summary", CapabilityRefreshSummary, [CapabilityError.DAY_IN_FUTURE]
)
EvaluateMilestones = mutation_types(
    "EvaluateMilestones", "summary", MilestoneRunSummary, [CapabilityError.DAY_IN_FUTURE]
)


@strawberry.input
class RecordCustomerRatingInput:
    rating: int = strawberry.field(description="1 (poor) to 5 (excellent).")
    follow_up_id: int | None = strawberry.field(
        default=None, description="The rated interaction (give it or `opportunityId`)."
    )
    opportunity_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The rated deal (give it or `followUpId`)."
    )
    dimensions: list[str] | None = strawberry.field(
        default=None,
        description="Dimensions it speaks to; default for a follow-up: needs_discovery, "
        "solution_presentation, product_knowledge; for a deal: negotiation, "
        "objection_handling, closing.",
    )
    comment: str | None = None
    rated_on: date | None = strawberry.field(default=None, description="Default: today.")
    external_id: str | None = strawberry.field(
        default=None,
        description="Its id in the survey system: the same id with the same content records "
        "nothing new, with other content it is refused.",
    )


@strawberry.input
class OverrideCapabilityScoreInput:
    rep_id: relay.GlobalID
    dimension: str
    score: float = strawberry.field(description="0..100.")
    reason: str = strawberry.field(description="Why; kept in the history.")


@strawberry.input
class ClearCapabilityOverrideInput:
    rep_id: relay.GlobalID
    dimension: str
    reason: str


@strawberry.input
class RefreshCapabilitiesInput:
    as_of: date | None = strawberry.field(default=None, description="Default: today.")


@strawberry.input
class EvaluateMilestonesInput:
    as_of: date | None = strawberry.field(default=None, description="Default: today.")
