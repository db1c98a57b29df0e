"""GraphQL types of the pipeline: accounts, opportunities and their history."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from api.core.labels import ManagedLabel, graphql_enum
from api.core.relay import OrmNode
from api.core.scalars import BigInt
from api.graphql.follow_ups.types import FollowUpNode
from api.graphql.forecasts.types import ForecastCategory, forecast_category_of
from api.graphql.forecasts.win_probability import WinProbability, win_probability_of
from api.graphql.org.types import RepNode, UserNode, display_user
from api.graphql.pipeline.contract_types import (
    ContractChecklistItemType,
    ServiceHandoverType,
    checklist_loader,
    handover_loader,
)
from domain.pipeline import models
from domain.pipeline.stages import Stage

graphql_enum(Stage, "Opportunity stages; moves follow the stage machine. 商机阶段。")


@strawberry.type(name="Account", description="A customer. 客户。")
class AccountType(OrmNode):
    _model = models.Account
    _loader = "account"

    id: relay.NodeID[int]
    name: str = strawberry.field(description="The customer's name.")
    segment: str = strawberry.field(description="Segment code, e.g. `education`.")
    region: str | None = strawberry.field(description="Region code, if any.")
    high_value: bool = strawberry.field(
        description="A high-value account: its open deals are watched for silence."
    )

    @strawberry.field(description="The rep who owns the account; null when outside your scope.")
    def owner(self, info: Info) -> RepNode | None:
        return info.context.loaders.related("rep", self.owner_rep_id)

    @strawberry.field(description="Money received from this customer over all its deals.")
    def lifetime_value(self, info: Info) -> BigInt:
        return info.context.loaders.related("lifetime_value", self.id)


@strawberry.type(name="StageTransition", description="One move of the stage machine.")
class StageTransitionType:
    from_stage: Stage | None = strawberry.field(
        description="The stage before; null for the creation."
    )
    to_stage: Stage = strawberry.field(description="The stage after.")
    action: str = strawberry.field(description="create, advance, back, win, lose or reopen.")
    at: datetime = strawberry.field(description="When it moved.")
    reason: str | None = strawberry.field(
        description="Why: the reason of a move back or a reopening; for a loss, its note or else "
        "its reason code."
    )
    seconds_in_previous: int | None = strawberry.field(
        description="Time spent in the stage before this move."
    )

    @strawberry.field(description="Who moved it; null when outside your scope.")
    async def actor(self, info: Info) -> UserNode | None:
        return await display_user(info, self.actor_user_id)


@strawberry.type(name="LossReason", description="A managed reason for losing a deal.")
class LossReasonType(ManagedLabel):
    _model = models.LossReason


@strawberry.type(name="Opportunity", description="A deal under the stage machine. 商机。")
class OpportunityNode(OrmNode):
    _model = models.Opportunity
    _loader = "opportunity"

    id: relay.NodeID[int]
    title: str = strawberry.field(description="What is being sold.")
    amount: BigInt = strawberry.field(description="Expected amount in fen.")
    expected_close: date = strawberry.field(description="When it is expected to close.")
    stage: Stage = strawberry.field(
        description="LEAD → CONTACTED → QUALIFIED → PROPOSAL → QUOTED → NEGOTIATION → WON | LOST."
    )
    stage_entered_at: datetime = strawberry.field(description="When it entered its current stage.")
    qualification: JSON = strawberry.field(
        description="Qualification data the stage gates check, e.g. `budget_range`, "
        "`decision_maker`, `timeline`."
    )
    source_lead: str | None = strawberry.field(
        description="The lead source it came from, if known."
    )
    high_margin: bool = strawberry.field(
        description="A high-margin product (counts for the high-margin share metric)."
    )
    won_amount: BigInt | None = strawberry.field(
        description="The signed amount in fen; null unless won."
    )
    won_on: date | None = strawberry.field(description="The signing date; null unless won.")
    loss_reason_code: str | None = strawberry.field(
        description="A code of `lossReasons`; null unless lost."
    )
    loss_note: str | None = strawberry.field(description="The note given with the loss, if any.")
    version: int = strawberry.field(description="Send it back as `expectedVersion`.")
    forecast_category: ForecastCategory = strawberry.field(
        resolver=forecast_category_of,
        description="PIPELINE, BEST_CASE, COMMIT or OMITTED as its owner set it; WON once won "
        "(a lost deal reads OMITTED). Set with `setForecastCategory`.",
    )

    @strawberry.field(description="The owning rep; null when outside your scope.")
    def owner(self, info: Info) -> RepNode | None:
        return info.context.loaders.related("rep", self.owner_rep_id)

    @strawberry.field(description="Reps who share the deal, those in your scope.")
    async def co_owners(self, info: Info) -> list[RepNode]:
        rep_ids = await info.context.loaders.co_owners.load(self.id)
        reps = await info.context.loaders.rep.load_many(rep_ids)
        return [rep for rep in reps if rep is not None]

    @strawberry.field(description="The customer; null when outside your scope.")
    def account(self, info: Info) -> AccountType | None:
        return info.context.loaders.related("account", self.account_id)

    @strawberry.field(description="Payments received so far (won deals).")
    def paid_amount(self, info: Info) -> BigInt:
        return info.context.loaders.related("paid", self.id)

    @strawberry.field(description="Follow-ups, oldest first (append-only).")
    def follow_ups(self, info: Info) -> list[FollowUpNode]:
        return info.context.loaders.related("follow_ups", self.id)

    @strawberry.field(description="The customer's status after the latest follow-up.")
    async def customer_status(self, info: Info) -> str | None:
        entries = await info.context.loaders.follow_ups.load(self.id)
        return entries[-1].customer_status if entries else None

    @strawberry.field(description="Every move, oldest first (append-only).")
    def history(self, info: Info) -> list[StageTransitionType]:
        return info.context.loaders.related("transitions", self.id)

    @strawberry.field(
        description="The contract compliance checklist, opened on entering negotiation or "
        "starting a contract approval; empty before. Every item must be checked to win."
    )
    async def contract_checklist(self, info: Info) -> list[ContractChecklistItemType]:
        return await checklist_loader(info).load(self.id)

    @strawberry.field(description="The service hand-over, once payments complete the contract.")
    async def service_handover(self, info: Info) -> ServiceHandoverType | None:
        return await handover_loader(info).load(self.id)

    @strawberry.field(
        description="The chance of winning it: learned from the company's history when a model "
        "is trained, else the fixed stage table (`source` says which). 赢单概率。"
    )
    async def win_probability(self, info: Info) -> WinProbability:
        return await win_probability_of(info, self.id)


@strawberry.type(description="A page of opportunities.")
class OpportunityConnection(relay.Connection[OpportunityNode]):
    total_count: int = strawberry.field(
        description="How many opportunities match the filters, over all pages."
    )
