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


@strawberry.input
class RecordPaymentInput:
    opportunity_id: relay.GlobalID
    amount: BigInt
    received_on: date


DefineCustomerStatus = mutation_types(
    "DefineCustomerStatus",
    "status",
    CustomerStatusType,
    [KernelError.INVALID_CODE, KernelError.REQUIRED, KernelError.TOO_LONG],
)


@strawberry.input
class DefineCustomerStatusInput:
    code: str
    label_zh: str
    label_en: str
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


@strawberry.input
class LogFollowUpInput:
    opportunity_id: relay.GlobalID
    type: FollowUpType
    occurred_at: datetime = strawberry.field(description="When it happened (with a time zone).")
    customer_status: str = strawberry.field(description="Required: a code of `customerStatuses`.")
    customer_responded: bool
    customer_initiated: bool = strawberry.field(
        default=False,
        description="The customer reached out (an inquiry), rather than answering the rep: "
        "counts towards high-value customers' proactive inquiries.",
    )
    value_points: list[ValuePoint] = strawberry.field(default_factory=list)
    notes: str | None = None
    next_step: str | None = None
    next_step_due: date | None = None
    corrects_id: int | None = strawberry.field(
        default=None, description="Set to correct an earlier entry (which stays as it was)."
    )
