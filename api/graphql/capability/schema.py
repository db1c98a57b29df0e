"""Capability in GraphQL: a rep's profile (scores, sources, history, override, milestones,
flags, review pack), a unit's heatmap, customer ratings, managers' overrides, and the
deal-quality refresh and milestone evaluation for admins."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.errors import perform, read
from api.core.permissions import ADMINS, READ_ORG, allow
from api.core.relay import decode_id
from api.graphql.capability.inputs import (
    ClearCapabilityOverride,
    ClearCapabilityOverrideInput,
    EvaluateMilestones,
    EvaluateMilestonesInput,
    OverrideCapabilityScore,
    OverrideCapabilityScoreInput,
    RecordCustomerRating,
    RecordCustomerRatingInput,
    RefreshCapabilities,
    RefreshCapabilitiesInput,
)
from api.graphql.capability.milestone_types import (
    MilestoneRule,
    MilestoneRunSummary,
    milestone_rules,
)
from api.graphql.capability.types import (
    CapabilityDimension,
    CapabilityHeatmap,
    CapabilityHeatmapRow,
    CapabilityProfile,
    CapabilityRefreshSummary,
    CapabilityScore,
)
from domain.capability import awards, deals, queries, ratings, rules, service
from domain.kernel.actor import Role
from domain.org.models import Rep

MANAGERS = (Role.ADMIN, Role.DIRECTOR, Role.MANAGER)


def _rep_id(global_id: relay.GlobalID, field: str) -> int:
    return decode_id(global_id, "Rep", field)


@strawberry.type
class CapabilityQuery:
    @strawberry.field(
        extensions=allow(*READ_ORG), description="The capability dimensions, in display order."
    )
    def capability_dimensions(self, info: Info) -> list[CapabilityDimension]:
        return [CapabilityDimension.of(code) for code in service.dimensions(info.context.settings)]

    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="A rep's capability profile: their own for a rep, any rep of the subtree "
        "for managers. REP_NOT_FOUND outside your scope.",
    )
    async def capability_profile(
        self,
        info: Info,
        rep: Annotated[relay.GlobalID, strawberry.argument(description="The Rep.")],
    ) -> CapabilityProfile:
        found = await read(
            info,
            lambda session, actor: queries.profile_rep(session, actor, _rep_id(rep, "rep")),
        )
        return CapabilityProfile(rep_row=found)

    @strawberry.field(
        extensions=allow(*MANAGERS),
        description="Reps × dimensions of a unit's subtree (active and on-leave reps), in a "
        "fixed number of SQL statements. UNIT_NOT_FOUND outside your scope.",
    )
    async def capability_heatmap(
        self,
        info: Info,
        unit: Annotated[
            relay.GlobalID,
            strawberry.argument(description="The OrgUnit whose subtree's reps are shown."),
        ],
    ) -> CapabilityHeatmap:
        found = await read(
            info,
            lambda session, actor: queries.heatmap(
                session, actor, decode_id(unit, "OrgUnit", "unit")
            ),
        )
        return CapabilityHeatmap(
            unit_row=found.unit, rows=[CapabilityHeatmapRow(rep_row=rep) for rep in found.reps]
        )

    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="The milestone rules in force (the milestones file), in evaluation order.",
    )
    def capability_milestones(self, info: Info) -> list[MilestoneRule]:
        return milestone_rules(info)


@strawberry.type
class CapabilityMutation:
    @strawberry.mutation(
        extensions=allow(*MANAGERS),
        description="Record a customer's 1–5 rating of a follow-up or a deal of a rep you "
        "manage; the rep's scores follow. Idempotent on `externalId`.",
    )
    async def record_customer_rating(
        self, info: Info, input: RecordCustomerRatingInput
    ) -> RecordCustomerRating.payload:
        context = info.context

        async def action(session, actor):
            given = ratings.RatingInput(
                rating=input.rating,
                follow_up_id=input.follow_up_id,
                opportunity_id=decode_id(input.opportunity_id, "Opportunity", "opportunity_id"),
                dimensions=input.dimensions,
                comment=input.comment,
                rated_on=input.rated_on,
                external_id=input.external_id,
            )
            row = await ratings.record_rating(
                session, actor, context.settings, given, today=context.today()
            )
            return row, await session.get(Rep, row.rep_id)

        def to_payload(result):
            row, rep = result
            return {"rating": row, "profile": CapabilityProfile(rep_row=rep)}

        return await perform(info, RecordCustomerRating, action, to_payload)

    @strawberry.mutation(
        extensions=allow(*MANAGERS),
        description="Set a rep's score in a dimension by hand, with a reason (a manager, "
        "director or admin over the rep, never for themselves). The computed score is kept "
        "beside it; the override is the effective score.",
    )
    async def override_capability_score(
        self, info: Info, input: OverrideCapabilityScoreInput
    ) -> OverrideCapabilityScore.payload:
        async def action(session, actor):
            row = await service.override_score(
                session,
                actor,
                info.context.settings,
                rep_id=_rep_id(input.rep_id, "rep_id"),
                dimension=input.dimension,
                score=input.score,
                reason=input.reason,
            )
            return CapabilityScore.of(row.rep_id, row.dimension, row)

        return await perform(info, OverrideCapabilityScore, action)

    @strawberry.mutation(
        extensions=allow(*MANAGERS),
        description="Remove a manager's override: the computed score is effective again.",
    )
    async def clear_capability_override(
        self, info: Info, input: ClearCapabilityOverrideInput
    ) -> ClearCapabilityOverride.payload:
        async def action(session, actor):
            row = await service.clear_override(
                session,
                actor,
                info.context.settings,
                rep_id=_rep_id(input.rep_id, "rep_id"),
                dimension=input.dimension,
                reason=input.reason,
            )
            return CapabilityScore.of(row.rep_id, row.dimension, row)

        return await perform(info, ClearCapabilityOverride, action)

    @strawberry.mutation(
        extensions=allow(*ADMINS),
        description="Refresh deal-quality evidence for the last four quarters and recompute "
        "every score as of a day, as `pacer capability refresh` does. Idempotent.",
    )
    async def refresh_capabilities(
        self, info: Info, input: RefreshCapabilitiesInput
    ) -> RefreshCapabilities.payload:
        context = info.context

        async def action(session, actor):
            day = rules.check_day(input.as_of, context.today())
            done = await deals.refresh(session, context.settings, day)
            return CapabilityRefreshSummary(
                as_of=done.as_of,
                periods=list(done.periods),
                deals=done.deals,
                reps_with_new_evidence=done.reps_with_new_evidence,
                scores_changed=done.scores_changed,
            )

        return await perform(info, RefreshCapabilities, action)

    @strawberry.mutation(
        extensions=allow(*ADMINS),
        description="Evaluate every milestone for every rep, as `pacer capability milestones` "
        "does: award what is met, revoke what no longer is. Idempotent; each change is audited.",
    )
    async def evaluate_milestones(
        self, info: Info, input: EvaluateMilestonesInput
    ) -> EvaluateMilestones.payload:
        context = info.context

        async def action(session, actor):
            day = rules.check_day(input.as_of, context.today())
            done = await awards.evaluate_milestones(
                session, context.settings, day, user_id=actor.user_id
            )
            return MilestoneRunSummary(
                as_of=done.as_of,
                reps=done.reps,
                awarded=done.awarded,
                revoked=done.revoked,
                held=done.held,
            )

        return await perform(info, EvaluateMilestones, action)
