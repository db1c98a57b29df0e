"""GraphQL types of leads and routing decisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

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
from api.graphql.routing.summaries import decision_note, summary_of
from coaching.practice.review_pack import co_owner_review_pack
from domain.leads import models
from domain.leads import service as leads
from domain.leads.coverage import CoveragePeriod
from domain.leads.models import LeadStatus, RoutingReason

graphql_enum(LeadStatus, "routed → contacted, or queued. 线索状态。")
graphql_enum(RoutingReason, "Why a lead was routed. 分配原因。")
graphql_enum(
    CoveragePeriod, "How the coverage report groups decisions: by week or month. 统计周期。"
)


async def _rep(info: Info, rep_id: int | None) -> RepNode | None:
    """Who owns a lead, named even to the intake login that cannot browse the org."""
    return None if rep_id is None else await info.context.loaders.display_rep.load(rep_id)


@strawberry.type(
    name="RoutingDecision",
    description="One decision about a lead: who got it (or which queue) and why, in numbers.",
)
class RoutingDecisionType:
    attempt: int = strawberry.field(description="1 at intake, then 2, 3 … for each re-route.")
    reason: RoutingReason = strawberry.field(description="What triggered the decision.")
    policy_version: str = strawberry.field(description="The routing policy's version used.")
    co_owner_dimension: str | None = strawberry.field(
        description="The dimension the owner is weak in that brought a senior co-owner."
    )
    queue: str | None = strawberry.field(
        description="The queue the lead went to when no rep could take it; null otherwise."
    )
    explanation: JSON = strawberry.field(
        description="The policy's full record: each term's value, weight and contribution for "
        "the winner, the top five candidates, the filters that excluded the others with their "
        "numbers, relaxations, the fallback, the co-owner suggestion. In a batch, the ranking "
        "as at the moment of the lead's assignment (the winner on top) and `passed_over`: "
        "better-scoring reps whose capacity other leads of the batch took, each with that "
        "lead; `uncovered_segment` when no eligible rep specialised in the lead's segment."
    )
    note: str | None = strawberry.field(
        resolver=decision_note,
        description="Why the lead was routed again (e.g. not contacted in time), in your "
        "language; null at intake.",
    )
    decided_at: datetime = strawberry.field(description="When it was decided.")

    @strawberry.field(description="The explanation in a few sentences, in your language.")
    async def summary(self, info: Info) -> list[str]:
        return await summary_of(info, self.explanation)

    @strawberry.field(description="The rep who got the lead; null when it was queued.")
    async def rep(self, info: Info) -> RepNode | None:
        return await _rep(info, self.rep_id)

    @strawberry.field(description="The senior co-owner added, if any.")
    async def co_owner(self, info: Info) -> RepNode | None:
        return await _rep(info, self.co_owner_rep_id)

    @strawberry.field(
        description="When a co-owner was added for the owner's weak dimension: the owner's "
        "review pack there — the practice checks they miss most, with the model answers. "
        "Shown to the owner and their managers."
    )
    async def review_pack(
        self,
        info: Info,
        limit: Annotated[int, strawberry.argument(description="At most this many items.")] = 5,
    ) -> ReviewPack | None:
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
    external_id: str = strawberry.field(description="The sender's id of the lead.")
    source: str = strawberry.field(description="Lead source, e.g. `website` or `referral`.")
    segment: str = strawberry.field(description="Customer segment code.")
    region: str = strawberry.field(description="The territory code reps cover.")
    product_interests: list[str] = strawberry.field(description="Product codes of interest.")
    signals: list[str] = strawberry.field(description="Behaviour signals from marketing.")
    estimated_value: BigInt = strawberry.field(description="Estimated value in fen.")
    attributes: JSON = strawberry.field(description="Free-form attributes sent at intake.")
    status: LeadStatus = strawberry.field(description="ROUTED, QUEUED or CONTACTED.")
    queue: str | None = strawberry.field(description="The queue it waits in; null when routed.")
    routed_at: datetime | None = strawberry.field(
        description="When it was last given to a rep; null while queued."
    )
    contact_due_at: datetime | None = strawberry.field(
        description="Contact the customer by then, or the lead is routed to someone else."
    )
    received_at: datetime = strawberry.field(description="When intake received it.")
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

    @strawberry.field(description="The rep who owns it; null while queued.")
    async def owner(self, info: Info) -> RepNode | None:
        return await _rep(info, self.owner_rep_id)

    @strawberry.field(description="A senior co-owner, if one was added.")
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


@strawberry.type(description="A page of leads.")
class LeadConnection(relay.Connection[LeadNode]):
    total_count: int = strawberry.field(
        description="How many leads match the filters, over all pages."
    )


@strawberry.type(description="What the policy would decide now; nothing is written.")
class RoutingPreview:
    outcome: str = strawberry.field(description="assigned, fallback_owner or fallback_queue.")
    queue: str | None = strawberry.field(
        description="The queue it would go to when no rep can take it; null otherwise."
    )
    total: float | None = strawberry.field(
        description="The chosen rep's weighted score (sum of the terms' contributions); null "
        "for a queue."
    )
    explanation: JSON = strawberry.field(
        description="The policy's full record, as `RoutingDecision.explanation`."
    )
    summary: list[str] = strawberry.field(
        description="The explanation in a few sentences, in your language."
    )

    @strawberry.field(description="The rep it would go to; null for a queue.")
    async def rep(self, info: Info) -> RepNode | None:
        return await _rep(info, self.rep_id)

    rep_id: strawberry.Private[int | None] = None


@strawberry.type(description="One lead of an intake: the lead, its decision, whether new.")
class IntakeResult:
    lead: LeadNode = strawberry.field(description="The lead, new or as first received.")
    decision: RoutingDecisionType | None = strawberry.field(
        description="Its routing decision at intake."
    )
    created: bool = strawberry.field(
        description="False when this external id came before with the same content: the "
        "first result is returned and nothing is created."
    )


@strawberry.type(description="One segment in one period of the routing coverage report.")
class RoutingCoverageRow:
    segment: str = strawberry.field(description="The leads' segment code.")
    period_start: date = strawberry.field(
        description="The period's first company day (a Monday, or the first of a month)."
    )
    period_label: str = strawberry.field(
        description="The period in your language, e.g. 2026 年第 49 周 / Week 49 of 2026."
    )
    leads: int = strawberry.field(description="Leads with a routing decision in the period.")
    uncovered: int = strawberry.field(
        description="Of those, leads no eligible rep (capacity aside) specialised in: routed "
        "to a non-specialist or queued."
    )
    uncovered_share: float = strawberry.field(description="uncovered ÷ leads (0..1).")
    label: str = strawberry.field(description="The row in a sentence, in your language.")


@strawberry.type(description="Where routing found no specialist, per segment and period.")
class RoutingCoverage:
    from_: date = strawberry.field(name="from", description="The first day (inclusive).")
    to: date = strawberry.field(description="The last day (inclusive).")
    period: CoveragePeriod = strawberry.field(description="How the rows are grouped.")
    leads: int = strawberry.field(description="Leads over all rows.")
    uncovered: int = strawberry.field(description="Uncovered leads over all rows.")
    rows: list[RoutingCoverageRow] = strawberry.field(
        description="By segment, then period; only periods with decisions."
    )
