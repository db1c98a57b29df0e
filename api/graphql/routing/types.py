"""GraphQL types of leads and routing decisions."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from api.core.errors import read
from api.core.labels import graphql_enum
from api.core.relay import OrmNode
from api.core.scalars import BigInt
from api.graphql.capability.types import ReviewPack, ReviewPackItem
from api.graphql.org.types import RepNode
from api.graphql.pipeline.types import OpportunityNode
from coaching.practice.review_pack import co_owner_review_pack
from coaching.routing.explanation import Decision
from domain.leads import models
from domain.leads import service as leads
from domain.leads.models import LeadStatus, RoutingReason

graphql_enum(LeadStatus, "routed → contacted, or queued. 线索状态。")
graphql_enum(RoutingReason, "Why a lead was routed. 分配原因。")


async def _rep(info: Info, rep_id: int | None) -> RepNode | None:
    """Who owns a lead, named even to the intake login that cannot browse the org."""
    return None if rep_id is None else await info.context.loaders.display_rep.load(rep_id)


def summary_of(info: Info, explanation: dict) -> list[str]:
    return Decision.from_json(explanation).explain(info.context.language)


@strawberry.type(
    name="RoutingDecision",
    description="One decision about a lead: who got it (or which queue) and why, in numbers.",
)
class RoutingDecisionType:
    attempt: int = strawberry.field(description="1 at intake, then 2, 3 … for each re-route.")
    reason: RoutingReason
    policy_version: str
    co_owner_dimension: str | None = strawberry.field(
        description="The dimension the owner is weak in that brought a senior co-owner."
    )
    queue: str | None
    explanation: JSON = strawberry.field(
        description="The policy's full record: each term's value, weight and contribution for "
        "the winner, the top five candidates, the filters that excluded the others with their "
        "numbers, relaxations, the fallback, the co-owner suggestion."
    )
    note: str | None
    decided_at: datetime

    @strawberry.field(description="The explanation in a few sentences, in your language.")
    def summary(self, info: Info) -> list[str]:
        return summary_of(info, self.explanation)

    @strawberry.field
    async def rep(self, info: Info) -> RepNode | None:
        return await _rep(info, self.rep_id)

    @strawberry.field
    async def co_owner(self, info: Info) -> RepNode | None:
        return await _rep(info, self.co_owner_rep_id)

    @strawberry.field(
        description="When a co-owner was added for the owner's weak dimension: the owner's "
        "review pack there — the practice checks they miss most, with the model answers. "
        "Shown to the owner and their managers."
    )
    async def review_pack(self, info: Info, limit: int = 5) -> ReviewPack | None:
        pack = await read(
            info,
            lambda session, actor: co_owner_review_pack(
                session, actor, info.context.scenarios, self.rep_id, self.co_owner_dimension, limit
            ),
        )
        if pack is None:
            return None
        return ReviewPack(
            dimensions=list(pack.dimensions),
            sessions=pack.sessions,
            items=[ReviewPackItem.of(info, item) for item in pack.items],
        )


@strawberry.type(name="Lead", description="A lead from marketing intake. 线索。")
class LeadNode(OrmNode):
    _model = models.Lead
    _loader = "lead"

    id: relay.NodeID[int]
    external_id: str
    source: str
    segment: str
    region: str
    product_interests: list[str]
    signals: list[str]
    estimated_value: BigInt
    attributes: JSON
    status: LeadStatus
    queue: str | None
    routed_at: datetime | None
    contact_due_at: datetime | None = strawberry.field(
        description="Contact the customer by then, or the lead is routed to someone else."
    )
    received_at: datetime
    queue_checked_at: datetime | None = strawberry.field(
        description="When routing last checked the lead and left it in its queue (at intake, "
        "in a batch, in a sweep). A batch that changes nothing for a queued lead stores no "
        "decision and only moves this time."
    )

    @strawberry.field(
        description="The customer's contact details (name, phone, e-mail, company …), only "
        "for those who may work the lead: its owner and co-owner, the managers of the owner's "
        "unit and admins of the whole company; null for everyone else (a queued lead's "
        "regional managers, intake logins)."
    )
    async def contact(self, info: Info) -> JSON | None:
        return await info.context.loaders.custom("lead_contact", leads.contacts_by_ids).load(
            self.id
        )

    @strawberry.field
    async def owner(self, info: Info) -> RepNode | None:
        return await _rep(info, self.owner_rep_id)

    @strawberry.field
    async def co_owner(self, info: Info) -> RepNode | None:
        return await _rep(info, self.co_owner_rep_id)

    @strawberry.field(description="The opportunity it became, in the `lead` stage at first.")
    async def opportunity(self, info: Info) -> OpportunityNode | None:
        if self.opportunity_id is None:
            return None
        return await info.context.loaders.opportunity.load(self.opportunity_id)

    @strawberry.field(description="Every routing decision, first to last.")
    def decisions(self, info: Info) -> list[RoutingDecisionType]:
        return info.context.loaders.related("lead_decisions", self.id)


@strawberry.type
class LeadConnection(relay.Connection[LeadNode]):
    total_count: int


@strawberry.type(description="What the policy would decide now; nothing is written.")
class RoutingPreview:
    outcome: str = strawberry.field(description="assigned, fallback_owner or fallback_queue.")
    queue: str | None
    total: float | None
    explanation: JSON
    summary: list[str]

    @strawberry.field
    async def rep(self, info: Info) -> RepNode | None:
        return await _rep(info, self.rep_id)

    rep_id: strawberry.Private[int | None] = None


@strawberry.type(description="One lead of an intake: the lead, its decision, whether new.")
class IntakeResult:
    lead: LeadNode
    decision: RoutingDecisionType | None
    created: bool = strawberry.field(
        description="False when this external id came before with the same content: the "
        "first result is returned and nothing is created."
    )
