"""GraphQL types of follow-ups and payments."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.types import Info

from api.core.labels import ManagedLabel, graphql_enum
from api.core.scalars import BigInt
from api.graphql.org.types import RepNode
from domain.pipeline.models import CustomerStatus, FollowUpType, ValuePoint

graphql_enum(FollowUpType, "What kind of follow-up it was. 跟进方式。")
graphql_enum(ValuePoint, "Value delivered to the customer in a follow-up. 价值点。")


@strawberry.type(name="CustomerStatus", description="Where a customer stands. 客户状态。")
class CustomerStatusType(ManagedLabel):
    _model = CustomerStatus

    pack: str = strawberry.field(description="`generic` or an industry pack such as `nev`.")


@strawberry.type(name="FollowUp", description="A follow-up, append-only. 跟进记录。")
class FollowUpNode:
    id: int = strawberry.field(
        description="The follow-up's number; pass it as `correctsId` to correct it."
    )
    type: FollowUpType = strawberry.field(description="Call, visit, e-mail, demo, proposal sent, …")
    occurred_at: datetime = strawberry.field(description="When it happened.")
    logged_at: datetime = strawberry.field(description="When it was logged.")
    value_points: list[ValuePoint] = strawberry.field(
        description="Value delivered to the customer (ROI figure, case study, …)."
    )
    customer_status: str = strawberry.field(
        description="The customer status chosen after it: a code of `customerStatuses`."
    )
    customer_responded: bool = strawberry.field(description="The customer responded.")
    customer_initiated: bool = strawberry.field(
        description="The customer reached out (an inquiry), rather than answering the rep."
    )
    notes: str | None = strawberry.field(description="Free notes.")
    next_step: str | None = strawberry.field(description="The agreed next step, if any.")
    next_step_due: date | None = strawberry.field(description="When the next step is due, if set.")
    corrects_id: int | None = strawberry.field(description="The entry this one corrects.")

    @strawberry.field(description="True when at least one value point was delivered.")
    def delivered_value(self) -> bool:
        return bool(self.value_points)

    @strawberry.field(description="Hours between happening and logging.")
    def logging_delay_hours(self) -> float:
        return round((self.logged_at - self.occurred_at).total_seconds() / 3600, 2)

    @strawberry.field(description="The rep who logged it; null when outside your scope.")
    def rep(self, info: Info) -> RepNode | None:
        return info.context.loaders.related("rep", self.rep_id)


@strawberry.type(name="Payment", description="Money received for a won deal. 回款。")
class PaymentType:
    id: int = strawberry.field(description="The payment's number.")
    amount: BigInt = strawberry.field(description="Amount received, in fen.")
    received_on: date = strawberry.field(description="The day it was received.")
