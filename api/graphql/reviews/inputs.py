"""GraphQL inputs of weekly reviews, and each mutation's payload and error codes."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay

from api.core.errors import mutation_types
from api.core.scalars import BigInt
from api.graphql.reviews.types import (
    ReviewAnomalyNode,
    ReviewKeyCustomer,
    ReviewSuggestionNode,
    WeeklyReviewNode,
)
from api.graphql.targets.types import TargetNode

StartWeeklyReview = mutation_types(
    "StartWeeklyReview",
    "review",
    WeeklyReviewNode,
    ["INVALID_ID", "UNIT_NOT_FOUND", "INVALID_WEEK", "WEEK_NOT_STARTED", "REVIEW_EXISTS"],
)
MarkReviewAnomaly = mutation_types(
    "MarkReviewAnomaly",
    "anomaly",
    ReviewAnomalyNode,
    [
        "INVALID_ID",
        "REVIEW_NOT_FOUND",
        "TARGET_NOT_FOUND",
        "REP_NOT_FOUND",
        "REQUIRED",
        "TOO_LONG",
    ],
)
SuggestTargetAdjustment = mutation_types(
    "SuggestTargetAdjustment",
    "suggestion",
    ReviewSuggestionNode,
    [
        "INVALID_ID",
        "REVIEW_NOT_FOUND",
        "TARGET_NOT_FOUND",
        "NEGATIVE_AMOUNT",
        "REASON_REQUIRED",
        "TOO_LONG",
    ],
)
AcceptTargetAdjustments = mutation_types(
    "AcceptTargetAdjustments",
    "suggestions",
    list[ReviewSuggestionNode],
    [
        "INVALID_ID",
        "REVIEW_NOT_FOUND",
        "SUGGESTION_NOT_FOUND",
        "ALREADY_DECIDED",
        "TARGET_NOT_FOUND",
        "REASON_REQUIRED",
        "STALE_VERSION",
        # refusals of the rebalance itself
        "CALIBRATION_TOO_SOON",
        "TOO_FEW_TARGETS",
        "NOT_SIBLINGS",
        "SUM_CHANGED",
    ],
    extra={"targets": list[TargetNode]},
)
RejectTargetAdjustment = mutation_types(
    "RejectTargetAdjustment",
    "suggestion",
    ReviewSuggestionNode,
    ["INVALID_ID", "SUGGESTION_NOT_FOUND", "ALREADY_DECIDED"],
)
ConfirmKeyCustomers = mutation_types(
    "ConfirmKeyCustomers",
    "key_customers",
    list[ReviewKeyCustomer],
    [
        "INVALID_ID",
        "REVIEW_NOT_FOUND",
        "REQUIRED",
        "DUPLICATE_ACCOUNT",
        "ACCOUNT_NOT_FOUND",
        "TOO_LONG",
    ],
)


@strawberry.input
class StartWeeklyReviewInput:
    unit_id: relay.GlobalID
    week_start: date = strawberry.field(description="The Monday of the ISO week.")


@strawberry.input
class MarkReviewAnomalyInput:
    review_id: relay.GlobalID
    note: str
    target_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A target of the review's subtree."
    )
    rep_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A rep of the review's subtree."
    )


@strawberry.input
class SuggestTargetAdjustmentInput:
    review_id: relay.GlobalID
    target_id: relay.GlobalID = strawberry.field(description="A target of the review's subtree.")
    proposed_amount: BigInt = strawberry.field(description="The new amount, ≥ 0.")
    reason: str


@strawberry.input
class AcceptTargetAdjustmentsInput:
    review_id: relay.GlobalID
    suggestion_ids: list[relay.GlobalID] = strawberry.field(
        description="Pending suggestions of sibling targets whose amounts keep their sum."
    )
    reason: str
    override_reason: str | None = strawberry.field(
        default=None,
        description="Needed when the unit was calibrated within the calibration window.",
    )


@strawberry.input
class RejectTargetAdjustmentInput:
    suggestion_id: relay.GlobalID


@strawberry.input
class KeyCustomerInput:
    account_id: relay.GlobalID
    note: str | None = None


@strawberry.input
class ConfirmKeyCustomersInput:
    review_id: relay.GlobalID
    accounts: list[KeyCustomerInput]
