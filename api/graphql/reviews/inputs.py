"""GraphQL inputs of weekly reviews, and each mutation's payload and error codes."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay

from api.core.descriptions import describe_payload
from api.core.errors import ApiError, mutation_types
from api.core.scalars import BigInt
from api.graphql.reviews.types import (
    ReviewAnomalyNode,
    ReviewKeyCustomer,
    ReviewSuggestionNode,
    WeeklyReviewNode,
)
from api.graphql.targets.types import TargetNode
from domain.kernel.errors import KernelError
from domain.org.errors import OrgError
from domain.pipeline.errors import PipelineError
from domain.reviews.errors import ReviewError
from domain.targets.errors import TargetError

StartWeeklyReview = mutation_types(
    "StartWeeklyReview",
    "review",
    WeeklyReviewNode,
    [
        ApiError.INVALID_ID,
        OrgError.UNIT_NOT_FOUND,
        ReviewError.INVALID_WEEK,
        ReviewError.WEEK_NOT_STARTED,
        ReviewError.REVIEW_EXISTS,
    ],
)
MarkReviewAnomaly = mutation_types(
    "MarkReviewAnomaly",
    "anomaly",
    ReviewAnomalyNode,
    [
        ApiError.INVALID_ID,
        ReviewError.REVIEW_NOT_FOUND,
        TargetError.TARGET_NOT_FOUND,
        OrgError.REP_NOT_FOUND,
        KernelError.REQUIRED,
        KernelError.TOO_LONG,
    ],
)
SuggestTargetAdjustment = mutation_types(
    "SuggestTargetAdjustment",
    "suggestion",
    ReviewSuggestionNode,
    [
        ApiError.INVALID_ID,
        ReviewError.REVIEW_NOT_FOUND,
        TargetError.TARGET_NOT_FOUND,
        TargetError.NEGATIVE_AMOUNT,
        TargetError.REASON_REQUIRED,
        KernelError.TOO_LONG,
    ],
)
AcceptTargetAdjustments = mutation_types(
    "AcceptTargetAdjustments",
    "suggestions",
    list[ReviewSuggestionNode],
    [
        ApiError.INVALID_ID,
        ReviewError.REVIEW_NOT_FOUND,
        ReviewError.SUGGESTION_NOT_FOUND,
        ReviewError.ALREADY_DECIDED,
        TargetError.TARGET_NOT_FOUND,
        TargetError.REASON_REQUIRED,
        KernelError.STALE_VERSION,
        # refusals of the rebalance itself
        TargetError.CALIBRATION_TOO_SOON,
        TargetError.TOO_FEW_TARGETS,
        TargetError.NOT_SIBLINGS,
        TargetError.SUM_CHANGED,
    ],
    extra={"targets": list[TargetNode]},
)
describe_payload(AcceptTargetAdjustments, targets="The rebalanced targets, with their new amounts.")
RejectTargetAdjustment = mutation_types(
    "RejectTargetAdjustment",
    "suggestion",
    ReviewSuggestionNode,
    [ApiError.INVALID_ID, ReviewError.SUGGESTION_NOT_FOUND, ReviewError.ALREADY_DECIDED],
)
ConfirmKeyCustomers = mutation_types(
    "ConfirmKeyCustomers",
    "key_customers",
    list[ReviewKeyCustomer],
    [
        ApiError.INVALID_ID,
        ReviewError.REVIEW_NOT_FOUND,
        KernelError.REQUIRED,
        ReviewError.DUPLICATE_ACCOUNT,
        PipelineError.ACCOUNT_NOT_FOUND,
        KernelError.TOO_LONG,
    ],
)


@strawberry.input(description="Start a unit's weekly review: its snapshot is frozen now.")
class StartWeeklyReviewInput:
    unit_id: relay.GlobalID = strawberry.field(description="The unit to review (with its subtree).")
    week_start: date = strawberry.field(description="The Monday of the ISO week.")


@strawberry.input(description="Mark something out of the ordinary in a review.")
class MarkReviewAnomalyInput:
    review_id: relay.GlobalID = strawberry.field(description="The review.")
    note: str = strawberry.field(description="What is out of the ordinary.")
    target_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A target of the review's subtree."
    )
    rep_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A rep of the review's subtree."
    )


@strawberry.input(description="Suggest a new amount for a target of the review.")
class SuggestTargetAdjustmentInput:
    review_id: relay.GlobalID = strawberry.field(description="The review.")
    target_id: relay.GlobalID = strawberry.field(description="A target of the review's subtree.")
    proposed_amount: BigInt = strawberry.field(description="The new amount, ≥ 0.")
    reason: str = strawberry.field(description="Why.")


@strawberry.input(
    description="Accept suggestions as one rebalance of sibling targets (directors and admins)."
)
class AcceptTargetAdjustmentsInput:
    review_id: relay.GlobalID = strawberry.field(description="The review.")
    suggestion_ids: list[relay.GlobalID] = strawberry.field(
        description="Pending suggestions of sibling targets whose amounts keep their sum."
    )
    reason: str = strawberry.field(description="Why; kept in each target's history.")
    override_reason: str | None = strawberry.field(
        default=None,
        description="Needed when the unit was calibrated within the calibration window.",
    )


@strawberry.input(description="Reject a pending suggestion (directors and admins).")
class RejectTargetAdjustmentInput:
    suggestion_id: relay.GlobalID = strawberry.field(description="The suggestion.")


@strawberry.input(description="An account to confirm as a key customer.")
class KeyCustomerInput:
    account_id: relay.GlobalID = strawberry.field(description="The account.")
    note: str | None = strawberry.field(
        default=None, description="Why it is key, if you want to say."
    )


@strawberry.input(description="Confirm the week's key customers of a review.")
class ConfirmKeyCustomersInput:
    review_id: relay.GlobalID = strawberry.field(description="The review.")
    accounts: list[KeyCustomerInput] = strawberry.field(description="The accounts, each once.")
