"""GraphQL inputs of capability, and each mutation's payload and error codes."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay

from api.core.descriptions import describe_payload
from api.core.errors import ApiError, mutation_types
from api.graphql.capability.milestone_types import MilestoneRunSummary
from api.graphql.capability.types import (
    CapabilityProfile,
    CapabilityRefreshSummary,
    CapabilityScore,
    CustomerRating,
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
describe_payload(RecordCustomerRating, profile="The rep's capability profile after the rating.")
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


@strawberry.input(description="A customer's rating of one follow-up or one deal.")
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
    comment: str | None = strawberry.field(
        default=None, description="The customer's comment, if any."
    )
    rated_on: date | None = strawberry.field(default=None, description="Default: today.")
    external_id: str | None = strawberry.field(
        default=None,
        description="Its id in the survey system: the same id with the same content records "
        "nothing new, with other content it is refused.",
    )


@strawberry.input(description="A manager's override of a rep's score in one dimension.")
class OverrideCapabilityScoreInput:
    rep_id: relay.GlobalID = strawberry.field(description="The rep.")
    dimension: str = strawberry.field(description="The dimension's code, e.g. `negotiation`.")
    score: float = strawberry.field(description="0..100.")
    reason: str = strawberry.field(description="Why; kept in the history.")


@strawberry.input(description="Remove a manager's override: the computed score applies again.")
class ClearCapabilityOverrideInput:
    rep_id: relay.GlobalID = strawberry.field(description="The rep.")
    dimension: str = strawberry.field(description="The dimension's code.")
    reason: str = strawberry.field(description="Why; kept in the history.")


@strawberry.input(
    description="Refresh the deal-quality evidence of every rep from recent closed deals."
)
class RefreshCapabilitiesInput:
    as_of: date | None = strawberry.field(default=None, description="Default: today.")


@strawberry.input(description="Award and revoke milestones for every rep.")
class EvaluateMilestonesInput:
    as_of: date | None = strawberry.field(default=None, description="Default: today.")
