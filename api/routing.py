"""Lead intake and routing in GraphQL: marketing posts leads (one or up to 1,000), managers
read why each went where and assign the queue in a batch, anyone may preview a decision."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from api.common import BigInt
from api.errors import camel, mutation_types, perform, read
from api.permissions import READ_ORG, allow
from api.relay import decode_id, page_args, to_connection
from api.routing_types import (
    IntakeResult,
    LeadConnection,
    LeadNode,
    RoutingDecisionType,
    RoutingPreview,
    summary_of,
)
from coaching.routing import service
from domain.errors import InvalidInput
from domain.kernel.actor import Role
from domain.leads import service as leads
from domain.leads.models import LeadStatus
from domain.leads.rules import Contact, IntakeItem

INTAKE_CODES = [
    "REQUIRED",
    "INVALID_FORMAT",
    "NEGATIVE",
    "CONTACT_REQUIRED",
    "ATTRIBUTE_INVALID",
    "TOO_LONG",
    "LEAD_CONFLICT",
]
IntakeLead = mutation_types(
    "IntakeLead",
    "lead",
    LeadNode,
    INTAKE_CODES,
    extra={"decision": RoutingDecisionType, "created": bool},
)
IntakeLeads = mutation_types(
    "IntakeLeads", "results", list[IntakeResult], [*INTAKE_CODES, "BATCH_SIZE"]
)
RouteLeadsBatch = mutation_types(
    "RouteLeadsBatch", "decisions", list[RoutingDecisionType], ["BATCH_SIZE"]
)
INTAKE_ROLES = (Role.INTAKE, Role.ADMIN)
PLANNERS = (Role.ADMIN, Role.DIRECTOR, Role.MANAGER)


@strawberry.input
class LeadContactInput:
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    company: str | None = None


@strawberry.input
class IntakeLeadInput:
    external_id: str | None = strawberry.field(
        default=None,
        description="Your id of the lead (required): the same id twice returns the first "
        "result and creates nothing; with other content it is LEAD_CONFLICT.",
    )
    source: str = strawberry.field(description="website, douyin, auto_show, referral, …")
    segment: str = strawberry.field(description="e.g. private_buyer, enterprise_fleet, government")
    region: str = strawberry.field(description="The territory code reps cover, e.g. shanghai.")
    product_interests: list[str] = strawberry.field(default_factory=list)
    signals: list[str] = strawberry.field(
        default_factory=list, description="Behaviour signals, e.g. battery_swap_interest."
    )
    estimated_value: BigInt = strawberry.field(default=0, description="In minor units (fen).")
    contact: LeadContactInput = strawberry.field(
        default_factory=LeadContactInput, description="A phone or an e-mail at least."
    )
    attributes: JSON = strawberry.field(
        default_factory=dict, description="Free-form; checked against the intake JSON Schema."
    )

    def item(self) -> IntakeItem:
        if not isinstance(self.attributes, dict):
            raise InvalidInput(
                "ATTRIBUTE_INVALID", "属性须为对象", "Attributes must be an object", "attributes"
            )
        return IntakeItem(
            external_id=self.external_id,
            source=self.source,
            segment=self.segment,
            region=self.region,
            product_interests=tuple(self.product_interests),
            signals=tuple(self.signals),
            estimated_value=self.estimated_value,
            contact=Contact(**vars(self.contact)),
            attributes=self.attributes,
        )


@strawberry.input
class IntakeLeadsInput:
    leads: list[IntakeLeadInput] = strawberry.field(description="1 to 1,000 leads.")


@strawberry.input
class RouteLeadsBatchInput:
    limit: int = strawberry.field(default=1000, description="At most this many queued leads.")


def _result(routed: service.Routed) -> IntakeResult:
    return IntakeResult(lead=routed.lead, decision=routed.decision, created=routed.created)


def _item_field(field: str | None) -> str | None:
    """`leads.3.external_id` → `leads.3.externalId`: the path into the input, camelCased."""
    if field is None or not field.startswith("leads."):
        return field
    head, index, rest = field.split(".", 2)
    return f"{head}.{index}.{camel(rest)}"


@strawberry.type
class RoutingQuery:
    @strawberry.field(
        extensions=allow(*READ_ORG, Role.INTAKE),
        description="Leads in your scope, oldest first: a manager's (or director's) are "
        "those owned in their subtree and the queued leads of the regions their subtree's reps "
        "cover (the whole queue at the root unit); a rep's those they own or co-own; admins "
        "of the whole company and intake logins see all.",
    )
    async def leads(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: LeadStatus | None = None,
        owner_id: relay.GlobalID | None = None,
        lead_source: str | None = None,
    ) -> LeadConnection:
        async def use_case(session, actor):
            after_id, size = page_args(first, after, info.context.settings.max_page_size)
            where = leads.LeadFilter(
                status=status, rep_id=decode_id(owner_id, "Rep", "owner_id"), source=lead_source
            )
            return await leads.list_leads(session, actor, where, first=size, after=after_id)

        return to_connection(LeadConnection, await read(info, use_case))

    @strawberry.field(
        extensions=allow(*READ_ORG, Role.INTAKE),
        description="The latest routing decision about a lead, with its explanation.",
    )
    async def routing_decision(self, info: Info, lead: relay.GlobalID) -> RoutingDecisionType:
        async def use_case(session, actor):
            found = await leads.get_lead(session, actor, decode_id(lead, "Lead", "lead"), "lead")
            return (await leads.decisions_of(session, [found.id]))[found.id][-1]

        return await read(info, use_case)

    @strawberry.field(
        extensions=allow(*PLANNERS, Role.INTAKE),
        description="Run the policy on a lead without writing anything.",
    )
    async def preview_routing(self, info: Info, input: IntakeLeadInput) -> RoutingPreview:
        decision = await read(
            info,
            lambda session, actor: service.preview_routing(
                session, actor, info.context.router, input.item()
            ),
        )
        explanation = decision.to_json()
        return RoutingPreview(
            outcome=decision.outcome,
            queue=decision.queue,
            total=decision.total,
            explanation=explanation,
            summary=summary_of(info, explanation),
            rep_id=decision.rep_id,
        )


@strawberry.type
class RoutingMutation:
    @strawberry.mutation(
        extensions=allow(*INTAKE_ROLES),
        description="Take in one lead and route it: the lead, its decision, whether it is new.",
    )
    async def intake_lead(self, info: Info, input: IntakeLeadInput) -> IntakeLead.payload:
        def to_payload(routed: service.Routed) -> dict[str, Any]:
            return {"lead": routed.lead, "decision": routed.decision, "created": routed.created}

        return await perform(
            info,
            IntakeLead,
            lambda session, actor: service.intake_lead(
                session, actor, info.context.router, input.item()
            ),
            to_payload,
        )

    @strawberry.mutation(
        extensions=allow(*INTAKE_ROLES),
        description="Take in up to 1,000 leads at once, assigned together under capacity. All "
        "or none: every problem is reported as `leads.<index>.<field>`.",
    )
    async def intake_leads(self, info: Info, input: IntakeLeadsInput) -> IntakeLeads.payload:
        payload = await perform(
            info,
            IntakeLeads,
            lambda session, actor: service.intake_leads(
                session, actor, info.context.router, [lead.item() for lead in input.leads]
            ),
            lambda routed: {"results": [_result(r) for r in routed]},
        )
        for error in payload.errors:
            error.field = _item_field(error.field)
        return payload

    @strawberry.mutation(
        extensions=allow(*PLANNERS),
        description="Assign the queued leads in your scope (a manager: the queue of their "
        "regions) at once, maximising the total score under capacity (an assignment solver, "
        "not first come first served). Returns the decision in force for each lead checked: "
        "a new one where the outcome changed (assigned, or queued for another reason); "
        "otherwise the lead keeps its last decision, nothing is stored and only its "
        "`queueCheckedAt` moves.",
    )
    async def route_leads_batch(
        self, info: Info, input: RouteLeadsBatchInput
    ) -> RouteLeadsBatch.payload:
        async def action(session, actor):
            if not 1 <= input.limit <= service.BATCH_MAX:
                raise InvalidInput(
                    "BATCH_SIZE",
                    f"一次最多分配 {service.BATCH_MAX} 条",
                    f"Route 1 to {service.BATCH_MAX} leads at once",
                    "limit",
                )
            routed = await service.route_queued(session, actor, info.context.router, input.limit)
            return list(routed.values())

        return await perform(info, RouteLeadsBatch, action)
