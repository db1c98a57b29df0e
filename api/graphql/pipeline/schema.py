"""Accounts and opportunities in GraphQL: one mutation per move of the stage machine."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.descriptions import After, First
from api.core.errors import perform, read
from api.core.permissions import READ_ORG, allow
from api.core.relay import decode_id, id_of, page_args, to_connection
from api.graphql.pipeline.inputs import (
    AdvanceOpportunity,
    AdvanceOpportunityInput,
    CheckContractItem,
    CheckContractItemInput,
    CreateAccount,
    CreateAccountInput,
    CreateOpportunity,
    CreateOpportunityInput,
    LoseOpportunity,
    LoseOpportunityInput,
    MoveOpportunityBack,
    MoveOpportunityBackInput,
    ReassignOpportunity,
    ReassignOpportunityInput,
    ReopenOpportunity,
    ReopenOpportunityInput,
    UpdateOpportunityDetails,
    UpdateOpportunityDetailsInput,
    WinOpportunity,
    WinOpportunityInput,
)
from api.graphql.pipeline.types import (
    LossReasonType,
    OpportunityConnection,
    OpportunityNode,
)
from domain.kernel.actor import Role
from domain.pipeline import checklist, contracts, management, queries, service
from domain.pipeline.errors import PipelineError
from domain.pipeline.stages import Stage

SELLERS = READ_ORG  # admins, directors, managers and reps work the pipeline
MANAGERS = (Role.ADMIN, Role.DIRECTOR, Role.MANAGER)


def _account_id(global_id: relay.GlobalID) -> int:
    return decode_id(global_id, "Account", "account_id")


def _rep_ids(ids: list[relay.GlobalID] | None, field: str) -> list[int] | None:
    return None if ids is None else [decode_id(i, "Rep", field) for i in ids]


def _qualification(value: Any) -> dict | None:
    if value is None or isinstance(value, dict):
        return value
    from domain.errors import InvalidInput

    raise InvalidInput(
        PipelineError.INVALID_QUALIFICATION,
        "资格信息必须是 JSON 对象",
        "qualification must be a JSON object",
        "qualification",
    )


def _opportunity_id(input: Any) -> int:
    return decode_id(input.id, "Opportunity", "id")


@strawberry.type
class PipelineQuery:
    @strawberry.field(extensions=allow(*SELLERS), description="Opportunities you may see.")
    async def opportunities(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        owner_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Only deals owned by this Rep.")
        ] = None,
        unit_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="Only deals owned by reps of this OrgUnit's subtree."),
        ] = None,
        stage: Annotated[
            Stage | None, strawberry.argument(description="Only deals in this stage.")
        ] = None,
        open_only: Annotated[
            bool, strawberry.argument(description="Only deals not yet won or lost.")
        ] = False,
    ) -> OpportunityConnection:
        async def use_case(session, actor):
            after_id, size = page_args(first, after, info.context.settings.max_page_size)
            filters = queries.OpportunityFilter(
                decode_id(owner_id, "Rep", "owner_id"),
                decode_id(unit_id, "OrgUnit", "unit_id"),
                stage,
                open_only,
            )
            return await queries.list_opportunities(session, actor, filters, after_id, size)

        page = await read(info, use_case)
        await info.context.loaders.prefetch(info, page.items, OPPORTUNITY_RELATIONS)
        return to_connection(OpportunityConnection, page)

    @strawberry.field(extensions=allow(*SELLERS), description="One opportunity, if visible.")
    async def opportunity(
        self,
        info: Info,
        id: Annotated[
            relay.GlobalID, strawberry.argument(description="The opportunity's global ID.")
        ],
    ) -> OpportunityNode | None:
        row = id_of(id, "Opportunity")
        return None if row is None else await info.context.loaders.opportunity.load(row)

    @strawberry.field(extensions=allow(*SELLERS), description="The managed loss reasons.")
    async def loss_reasons(self, info: Info) -> list[LossReasonType]:
        return await read(info, lambda session, actor: queries.loss_reasons(session))


OPPORTUNITY_RELATIONS = {"owner": ("rep", "owner_rep_id"), "account": ("account", "account_id")}


@strawberry.type
class PipelineMutation:
    @strawberry.mutation(extensions=allow(*SELLERS), description="Add a customer account.")
    async def create_account(self, info: Info, input: CreateAccountInput) -> CreateAccount.payload:
        return await perform(
            info,
            CreateAccount,
            lambda session, actor: service.create_account(
                session,
                actor,
                name=input.name,
                segment=input.segment,
                region=input.region,
                high_value=input.high_value,
                owner_rep_id=decode_id(input.owner_id, "Rep", "owner_id"),
            ),
        )

    @strawberry.mutation(extensions=allow(*SELLERS), description="Open a deal in `LEAD`.")
    async def create_opportunity(
        self, info: Info, input: CreateOpportunityInput
    ) -> CreateOpportunity.payload:
        return await perform(
            info,
            CreateOpportunity,
            lambda session, actor: service.create_opportunity(
                session,
                actor,
                account_id=_account_id(input.account_id),
                owner_rep_id=decode_id(input.owner_id, "Rep", "owner_id"),
                details=service.Details(
                    title=input.title,
                    amount=input.amount,
                    expected_close=input.expected_close,
                    qualification=_qualification(input.qualification) or {},
                    co_owner_ids=_rep_ids(input.co_owner_ids, "co_owner_ids"),
                    high_margin=input.high_margin,
                ),
                gates=info.context.gates,
                source_lead=input.source_lead,
            ),
        )

    @strawberry.mutation(extensions=allow(*SELLERS), description="Change anything but stage.")
    async def update_opportunity_details(
        self, info: Info, input: UpdateOpportunityDetailsInput
    ) -> UpdateOpportunityDetails.payload:
        return await perform(
            info,
            UpdateOpportunityDetails,
            lambda session, actor: service.update_details(
                session,
                actor,
                opportunity_id=_opportunity_id(input),
                expected_version=input.expected_version,
                details=service.Details(
                    title=input.title,
                    amount=input.amount,
                    expected_close=input.expected_close,
                    qualification=_qualification(input.qualification),
                    co_owner_ids=_rep_ids(input.co_owner_ids, "co_owner_ids"),
                    high_margin=input.high_margin,
                ),
                gates=info.context.gates,
            ),
        )

    @strawberry.mutation(extensions=allow(*SELLERS), description="Move forward through a gate.")
    async def advance_opportunity(
        self, info: Info, input: AdvanceOpportunityInput
    ) -> AdvanceOpportunity.payload:
        return await perform(
            info,
            AdvanceOpportunity,
            lambda session, actor: service.advance(
                session,
                actor,
                opportunity_id=_opportunity_id(input),
                expected_version=input.expected_version,
                to_stage=input.to_stage,
                gates=info.context.gates,
                checklist=checklist.configured(info.context.settings.contract_checklist_file),
            ),
        )

    @strawberry.mutation(extensions=allow(*SELLERS), description="One stage back, with a reason.")
    async def move_opportunity_back(
        self, info: Info, input: MoveOpportunityBackInput
    ) -> MoveOpportunityBack.payload:
        return await perform(
            info,
            MoveOpportunityBack,
            lambda session, actor: service.move_back(
                session,
                actor,
                opportunity_id=_opportunity_id(input),
                expected_version=input.expected_version,
                reason=input.reason,
            ),
        )

    @strawberry.mutation(extensions=allow(*SELLERS), description="Won: signed amount and date.")
    async def win_opportunity(
        self, info: Info, input: WinOpportunityInput
    ) -> WinOpportunity.payload:
        return await perform(
            info,
            WinOpportunity,
            lambda session, actor: service.win(
                session,
                actor,
                opportunity_id=_opportunity_id(input),
                expected_version=input.expected_version,
                signed_amount=input.signed_amount,
                signed_on=input.signed_on,
                today=info.context.today(),
            ),
        )

    @strawberry.mutation(
        extensions=allow(*SELLERS),
        description="Check an item of the deal's contract checklist (who and when are kept).",
    )
    async def check_contract_item(
        self, info: Info, input: CheckContractItemInput
    ) -> CheckContractItem.payload:
        async def use_case(session, actor):
            opportunity_id = decode_id(input.opportunity_id, "Opportunity", "opportunity_id")
            await contracts.check_item(
                session, actor, opportunity_id=opportunity_id, code=input.code, note=input.note
            )
            return await service.get_opportunity(session, actor, opportunity_id)

        return await perform(info, CheckContractItem, use_case)

    @strawberry.mutation(extensions=allow(*SELLERS), description="Lost, with a managed reason.")
    async def lose_opportunity(
        self, info: Info, input: LoseOpportunityInput
    ) -> LoseOpportunity.payload:
        return await perform(
            info,
            LoseOpportunity,
            lambda session, actor: service.lose(
                session,
                actor,
                opportunity_id=_opportunity_id(input),
                expected_version=input.expected_version,
                reason_code=input.reason_code,
                note=input.note,
            ),
        )

    @strawberry.mutation(extensions=allow(*MANAGERS), description="A manager reopens a deal.")
    async def reopen_opportunity(
        self, info: Info, input: ReopenOpportunityInput
    ) -> ReopenOpportunity.payload:
        return await perform(
            info,
            ReopenOpportunity,
            lambda session, actor: management.reopen(
                session,
                actor,
                opportunity_id=_opportunity_id(input),
                expected_version=input.expected_version,
                reason=input.reason,
                to_stage=input.to_stage,
                gates=info.context.gates,
            ),
        )

    @strawberry.mutation(extensions=allow(*MANAGERS), description="A manager hands a deal over.")
    async def reassign_opportunity(
        self, info: Info, input: ReassignOpportunityInput
    ) -> ReassignOpportunity.payload:
        return await perform(
            info,
            ReassignOpportunity,
            lambda session, actor: management.reassign(
                session,
                actor,
                opportunity_id=_opportunity_id(input),
                expected_version=input.expected_version,
                new_owner_rep_id=decode_id(input.new_owner_id, "Rep", "new_owner_id"),
                reason=input.reason,
            ),
        )
