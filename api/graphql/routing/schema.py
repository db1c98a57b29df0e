"""Lead intake and routing in GraphQL: marketing posts leads (one or up to 1,000), managers
read why each went where and assign the queue in a batch, anyone may preview a decision."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.descriptions import After, First
from api.core.errors import camel, perform, read
from api.core.permissions import READ_ORG, allow
from api.core.relay import decode_id, page_args, to_connection
from api.graphql.routing.inputs import (
    IntakeLead,
    IntakeLeadInput,
    IntakeLeads,
    IntakeLeadsInput,
    RouteLeadsBatch,
    RouteLeadsBatchInput,
)
from api.graphql.routing.types import (
    IntakeResult,
    LeadConnection,
    RoutingCoverage,
    RoutingCoverageRow,
    RoutingDecisionType,
    RoutingPreview,
    summary_of,
)
from coaching.routing import service
from domain.kernel.actor import Role
from domain.leads import service as leads
from domain.leads.coverage import CoveragePeriod, coverage_report, period_label
from domain.leads.models import LeadStatus

INTAKE_ROLES = (Role.INTAKE, Role.ADMIN)
PLANNERS = (Role.ADMIN, Role.DIRECTOR, Role.MANAGER)


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
        first: First = None,
        after: After = None,
        status: Annotated[
            LeadStatus | None, strawberry.argument(description="Only leads in this status.")
        ] = None,
        owner_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Only leads owned by this Rep.")
        ] = None,
        lead_source: Annotated[
            str | None,
            strawberry.argument(description="Only leads from this source, e.g. `website`."),
        ] = None,
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
    async def routing_decision(
        self,
        info: Info,
        lead: Annotated[relay.GlobalID, strawberry.argument(description="The Lead.")],
    ) -> RoutingDecisionType:
        async def use_case(session, actor):
            found = await leads.get_lead(session, actor, decode_id(lead, "Lead", "lead"), "lead")
            return (await leads.decisions_of(session, [found.id]))[found.id][-1]

        return await read(info, use_case)

    @strawberry.field(
        extensions=allow(*PLANNERS),
        description="Routing coverage of [from, to] (company days) per segment and week or "
        "month: leads routed, and how many found no eligible rep specialising in their segment "
        "(each such decision says so). Over the leads in your scope.",
    )
    async def routing_coverage(
        self,
        info: Info,
        from_: Annotated[
            date, strawberry.argument(name="from", description="The first day (inclusive).")
        ],
        to: Annotated[date, strawberry.argument(description="The last day (inclusive).")],
        period: Annotated[
            CoveragePeriod, strawberry.argument(description="Group by week or by month.")
        ] = CoveragePeriod.WEEK,
    ) -> RoutingCoverage:
        timezone = info.context.settings.timezone
        rows = await read(
            info,
            lambda session, actor: coverage_report(
                session, actor, start=from_, end=to, period=period, timezone=timezone
            ),
        )
        language = info.context.language
        return RoutingCoverage(
            from_=from_,
            to=to,
            period=period,
            leads=sum(row.leads for row in rows),
            uncovered=sum(row.uncovered for row in rows),
            rows=[
                RoutingCoverageRow(
                    segment=row.segment,
                    period_start=row.period_start,
                    period_label=period_label(row.period_start, period, language),
                    leads=row.leads,
                    uncovered=row.uncovered,
                    uncovered_share=row.uncovered_share,
                    label=row.label(period, language),
                )
                for row in rows
            ],
        )

    @strawberry.field(
        extensions=allow(*PLANNERS, Role.INTAKE),
        description="Run the policy on a lead without writing anything.",
    )
    async def preview_routing(
        self,
        info: Info,
        input: Annotated[
            IntakeLeadInput,
            strawberry.argument(description="The lead as it would be posted to `intakeLead`."),
        ],
    ) -> RoutingPreview:
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
            summary=await summary_of(info, explanation),
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
            routed = await service.route_queued(session, actor, info.context.router, input.limit)
            return list(routed.values())

        return await perform(info, RouteLeadsBatch, action)
