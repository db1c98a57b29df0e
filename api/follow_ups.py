"""What reps record on a deal in GraphQL: follow-ups (`logFollowUp`) and payments
(`recordPayment`), and the lists their forms need."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.common import BigInt, ManagedLabel, graphql_enum
from api.errors import mutation_types, perform, read
from api.org_types import RepNode
from api.permissions import ADMINS, READ_ORG, allow
from api.relay import decode_id
from domain.pipeline import follow_ups, payments
from domain.pipeline.models import CustomerStatus, FollowUpType, ValuePoint

graphql_enum(FollowUpType, "What kind of follow-up it was. 跟进方式。")
graphql_enum(ValuePoint, "Value delivered to the customer in a follow-up. 价值点。")


@strawberry.type(name="CustomerStatus", description="Where a customer stands. 客户状态。")
class CustomerStatusType(ManagedLabel):
    _model = CustomerStatus

    pack: str = strawberry.field(description="`generic` or an industry pack such as `nev`.")


@strawberry.type(name="FollowUp", description="A follow-up, append-only. 跟进记录。")
class FollowUpNode:
    id: int
    type: FollowUpType
    occurred_at: datetime
    logged_at: datetime
    value_points: list[ValuePoint]
    customer_status: str
    customer_responded: bool
    customer_initiated: bool = strawberry.field(
        description="The customer reached out (an inquiry), rather than answering the rep."
    )
    notes: str | None
    next_step: str | None
    next_step_due: date | None
    corrects_id: int | None = strawberry.field(description="The entry this one corrects.")

    @strawberry.field(description="True when at least one value point was delivered.")
    def delivered_value(self) -> bool:
        return bool(self.value_points)

    @strawberry.field(description="Hours between happening and logging.")
    def logging_delay_hours(self) -> float:
        return round((self.logged_at - self.occurred_at).total_seconds() / 3600, 2)

    @strawberry.field
    async def rep(self, info: Info) -> RepNode | None:
        return await info.context.loaders.rep.load(self.rep_id)


@strawberry.type(name="Payment", description="Money received for a won deal. 回款。")
class PaymentType:
    id: int
    amount: BigInt
    received_on: date


RecordPayment = mutation_types(
    "RecordPayment",
    "payment",
    PaymentType,
    [
        "INVALID_ID",
        "OPPORTUNITY_NOT_FOUND",
        "NOT_WON",
        "INVALID_AMOUNT",
        "INVALID_DATE",
        "OVERPAID",
    ],
)


@strawberry.input
class RecordPaymentInput:
    opportunity_id: relay.GlobalID
    amount: BigInt
    received_on: date


DefineCustomerStatus = mutation_types(
    "DefineCustomerStatus", "status", CustomerStatusType, ["INVALID_CODE", "REQUIRED", "TOO_LONG"]
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
        "INVALID_ID",
        "OPPORTUNITY_NOT_FOUND",
        "FUTURE_DATE",
        "TOO_OLD",
        "UNKNOWN_CUSTOMER_STATUS",
        "NEXT_STEP_REQUIRED",
        "INVALID_DUE_DATE",
        "CORRECTION_NOT_FOUND",
        "TOO_LONG",
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


@strawberry.type
class FollowUpQuery:
    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="Customer statuses: the generic ones plus an industry pack's (e.g. `nev`).",
    )
    async def customer_statuses(
        self, info: Info, pack: str | None = None
    ) -> list[CustomerStatusType]:
        return await read(info, lambda session, actor: follow_ups.customer_statuses(session, pack))


@strawberry.type
class FollowUpMutation:
    @strawberry.mutation(
        extensions=allow(*READ_ORG), description="Log a follow-up; it ends with the status."
    )
    async def log_follow_up(self, info: Info, input: LogFollowUpInput) -> LogFollowUp.payload:
        entry = follow_ups.Entry(
            type=input.type,
            occurred_at=input.occurred_at,
            customer_status=input.customer_status,
            customer_responded=input.customer_responded,
            customer_initiated=input.customer_initiated,
            value_points=input.value_points,
            notes=input.notes,
            next_step=input.next_step,
            next_step_due=input.next_step_due,
            corrects_id=input.corrects_id,
        )
        return await perform(
            info,
            LogFollowUp,
            lambda session, actor: follow_ups.log_follow_up(
                session,
                actor,
                opportunity_id=decode_id(input.opportunity_id, "Opportunity", "opportunity_id"),
                entry=entry,
                max_age_days=info.context.settings.follow_up_max_age_days,
            ),
        )

    @strawberry.mutation(
        extensions=allow(*READ_ORG), description="Record money received for a won deal."
    )
    async def record_payment(self, info: Info, input: RecordPaymentInput) -> RecordPayment.payload:
        return await perform(
            info,
            RecordPayment,
            lambda session, actor: payments.record_payment(
                session,
                actor,
                opportunity_id=decode_id(input.opportunity_id, "Opportunity", "opportunity_id"),
                amount=input.amount,
                received_on=input.received_on,
                today=info.context.today(),
            ),
        )

    @strawberry.mutation(extensions=allow(*ADMINS), description="Add or rename a status.")
    async def define_customer_status(
        self, info: Info, input: DefineCustomerStatusInput
    ) -> DefineCustomerStatus.payload:
        return await perform(
            info,
            DefineCustomerStatus,
            lambda session, actor: follow_ups.define_customer_status(
                session,
                actor,
                code=input.code,
                label_zh=input.label_zh,
                label_en=input.label_en,
                pack=input.pack,
            ),
        )
