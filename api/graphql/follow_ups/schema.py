"""What reps record on a deal in GraphQL: follow-ups (`logFollowUp`) and payments
(`recordPayment`), and the lists their forms need."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.core.errors import perform, read
from api.core.permissions import ADMINS, READ_ORG, allow
from api.core.relay import decode_id
from api.graphql.follow_ups.inputs import (
    DefineCustomerStatus,
    DefineCustomerStatusInput,
    LogFollowUp,
    LogFollowUpInput,
    RecordPayment,
    RecordPaymentInput,
)
from api.graphql.follow_ups.types import CustomerStatusType
from domain.pipeline import checklist, follow_ups, payments


@strawberry.type
class FollowUpQuery:
    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="Customer statuses: the generic ones plus an industry pack's (e.g. `nev`).",
    )
    async def customer_statuses(
        self,
        info: Info,
        pack: Annotated[
            str | None,
            strawberry.argument(
                description="Only the generic statuses and this industry pack's, e.g. `nev`; "
                "null for every pack's."
            ),
        ] = None,
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
                checklist=checklist.configured(info.context.settings.contract_checklist_file),
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
