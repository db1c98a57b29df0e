"""GraphQL inputs of follow-ups and payments, and each mutation's payload and error codes."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay

from api.core.errors import ApiError, mutation_types
from api.core.scalars import BigInt
from api.graphql.follow_ups.types import CustomerStatusType, FollowUpNode, PaymentType
from domain.kernel.errors import KernelError
from domain.pipeline.errors import PipelineError
from domain.pipeline.models import FollowUpType, ValuePoint

RecordPayment = mutation_types(
    "RecordPayment",
    "payment",
    PaymentType,
    [
        ApiError.INVALID_ID,
        PipelineError.OPPORTUNITY_NOT_FOUND,
        PipelineError.NOT_WON,
        PipelineError.INVALID_AMOUNT,
        PipelineError.INVALID_DATE,
        PipelineError.OVERPAID,
    ],
)


@strawberry.input(description="Money received for a won deal.")
class RecordPaymentInput:
    opportunity_id: relay.GlobalID = strawberry.field(description="The won opportunity.")
    amount: BigInt = strawberry.field(
        description="Amount received, in fen (above zero; payments never exceed the signed amount)."
    )
    received_on: date = strawberry.field(
        description="The day it was received: between the signing date and today."
    )


DefineCustomerStatus = mutation_types(
    "DefineCustomerStatus",
    "status",
    CustomerStatusType,
    [KernelError.INVALID_CODE, KernelError.REQUIRED, KernelError.TOO_LONG],
)


@strawberry.input(description="Add or relabel a customer status of a pack.")
class DefineCustomerStatusInput:
    code: str = strawberry.field(description="Stable code (lower case), e.g. `budget_pending`.")
    label_zh: str = strawberry.field(description="The label in Chinese, e.g. 预算待批.")
    label_en: str = strawberry.field(description="The label in English, e.g. Budget pending.")
    pack: str = strawberry.field(default="generic", description="`generic` or an industry.")


LogFollowUp = mutation_types(
    "LogFollowUp",
    "follow_up",
    FollowUpNode,
    [
        ApiError.INVALID_ID,
        PipelineError.OPPORTUNITY_NOT_FOUND,
        PipelineError.FUTURE_DATE,
        PipelineError.TOO_OLD,
        PipelineError.UNKNOWN_CUSTOMER_STATUS,
        PipelineError.NEXT_STEP_REQUIRED,
        PipelineError.INVALID_DUE_DATE,
        PipelineError.CORRECTION_NOT_FOUND,
        KernelError.TOO_LONG,
    ],
)


@strawberry.input(
    description="A follow-up on an opportunity; the customer status after it is required."
)
class LogFollowUpInput:
    opportunity_id: relay.GlobalID = strawberry.field(description="The opportunity.")
    type: FollowUpType = strawberry.field(description="What kind of follow-up.")
    occurred_at: datetime = strawberry.field(description="When it happened (with a time zone).")
    customer_status: str = strawberry.field(description="Required: a code of `customerStatuses`.")
    customer_responded: bool = strawberry.field(description="Whether the customer responded.")
    customer_initiated: bool = strawberry.field(
        default=False,
        description="The customer reached out (an inquiry), rather than answering the rep: "
        "counts towards high-value customers' proactive inquiries.",
    )
    value_points: list[ValuePoint] = strawberry.field(
        default_factory=list,
        description="Value delivered (ROI figure, case study, test result, …); empty when none.",
    )
    notes: str | None = strawberry.field(default=None, description="Free notes.")
    next_step: str | None = strawberry.field(
        default=None, description="The agreed next step; required when `nextStepDue` is set."
    )
    next_step_due: date | None = strawberry.field(
        default=None, description="When the next step is due; not before the follow-up."
    )
    corrects_id: int | None = strawberry.field(
        default=None, description="Set to correct an earlier entry (which stays as it was)."
    )
