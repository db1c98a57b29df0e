"""Weekly calibration reviews in GraphQL: start a review (its snapshot frozen), mark
anomalies, suggest target adjustments that a director accepts into a rebalance, confirm key
customers, and read or export the review.

Who: reading and marking anomalies — managers, directors and admins of the review's unit or
above, and the reps of that unit; starting, suggesting and confirming key customers —
managers, directors and admins; accepting and rejecting suggestions — directors and admins."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.descriptions import After, First
from api.core.errors import perform, read
from api.core.permissions import READ_ORG, allow
from api.core.relay import decode_id, id_of, page_args, to_connection
from api.graphql.reviews.inputs import (
    AcceptTargetAdjustments,
    AcceptTargetAdjustmentsInput,
    ConfirmKeyCustomers,
    ConfirmKeyCustomersInput,
    MarkReviewAnomaly,
    MarkReviewAnomalyInput,
    RejectTargetAdjustment,
    RejectTargetAdjustmentInput,
    StartWeeklyReview,
    StartWeeklyReviewInput,
    SuggestTargetAdjustment,
    SuggestTargetAdjustmentInput,
)
from api.graphql.reviews.types import (
    WeeklyReviewConnection,
    WeeklyReviewNode,
)
from domain.reviews import actions
from domain.reviews import service as reviews
from domain.reviews.rules import DECIDERS, PLANNERS
from domain.reviews.snapshot import ReviewSettings


def _settings(info: Info) -> ReviewSettings:
    return ReviewSettings.of(info.context.settings)


def _review_id(global_id: relay.GlobalID, field: str = "review_id") -> int:
    return decode_id(global_id, "WeeklyReview", field)


@strawberry.type
class ReviewsMutation:
    @strawberry.mutation(
        extensions=allow(*PLANNERS),
        description="Start the weekly calibration review of a unit and freeze its snapshot.",
    )
    async def start_weekly_review(
        self, info: Info, input: StartWeeklyReviewInput
    ) -> StartWeeklyReview.payload:
        return await perform(
            info,
            StartWeeklyReview,
            lambda session, actor: reviews.start_weekly_review(
                session,
                actor,
                unit_id=decode_id(input.unit_id, "OrgUnit", "unit_id"),
                week_start=input.week_start,
                today=info.context.today(),
                settings=_settings(info),
                now=info.context.now(),
            ),
        )

    @strawberry.mutation(
        extensions=allow(*READ_ORG),
        description="Mark something out of the ordinary in a review (reps of the unit too).",
    )
    async def mark_review_anomaly(
        self, info: Info, input: MarkReviewAnomalyInput
    ) -> MarkReviewAnomaly.payload:
        return await perform(
            info,
            MarkReviewAnomaly,
            lambda session, actor: actions.mark_anomaly(
                session,
                actor,
                review_id=_review_id(input.review_id),
                note=input.note,
                target_id=decode_id(input.target_id, "Target", "target_id"),
                rep_id=decode_id(input.rep_id, "Rep", "rep_id"),
            ),
        )

    @strawberry.mutation(
        extensions=allow(*PLANNERS),
        description="Suggest a new amount for a target of the review's subtree.",
    )
    async def suggest_target_adjustment(
        self, info: Info, input: SuggestTargetAdjustmentInput
    ) -> SuggestTargetAdjustment.payload:
        return await perform(
            info,
            SuggestTargetAdjustment,
            lambda session, actor: actions.suggest_adjustment(
                session,
                actor,
                review_id=_review_id(input.review_id),
                target_id=decode_id(input.target_id, "Target", "target_id"),
                proposed_amount=input.proposed_amount,
                reason=input.reason,
            ),
        )

    @strawberry.mutation(
        extensions=allow(*DECIDERS),
        description="Accept suggestions (directors): their amounts are applied as one "
        "rebalance of sibling targets — the parent's sum unchanged, each change a target "
        "version — and they are marked accepted. Any refusal writes nothing.",
    )
    async def accept_target_adjustments(
        self, info: Info, input: AcceptTargetAdjustmentsInput
    ) -> AcceptTargetAdjustments.payload:
        return await perform(
            info,
            AcceptTargetAdjustments,
            lambda session, actor: actions.accept_adjustments(
                session,
                actor,
                review_id=_review_id(input.review_id),
                suggestion_ids=[
                    decode_id(i, "ReviewSuggestion", "suggestion_ids") for i in input.suggestion_ids
                ],
                reason=input.reason,
                override_reason=input.override_reason,
                window_days=info.context.settings.calibration_window_days,
                now=info.context.now(),
            ),
            to_payload=lambda result: {"suggestions": result[0], "targets": result[1]},
        )

    @strawberry.mutation(
        extensions=allow(*DECIDERS), description="Reject a pending suggestion (directors)."
    )
    async def reject_target_adjustment(
        self, info: Info, input: RejectTargetAdjustmentInput
    ) -> RejectTargetAdjustment.payload:
        return await perform(
            info,
            RejectTargetAdjustment,
            lambda session, actor: actions.reject_adjustment(
                session,
                actor,
                suggestion_id=decode_id(input.suggestion_id, "ReviewSuggestion", "suggestion_id"),
                now=info.context.now(),
            ),
        )

    @strawberry.mutation(
        extensions=allow(*PLANNERS),
        description="Confirm the week's key customers (again: replaces the note); answers "
        "all the review's key customers.",
    )
    async def confirm_key_customers(
        self, info: Info, input: ConfirmKeyCustomersInput
    ) -> ConfirmKeyCustomers.payload:
        return await perform(
            info,
            ConfirmKeyCustomers,
            lambda session, actor: actions.confirm_key_customers(
                session,
                actor,
                review_id=_review_id(input.review_id),
                accounts=[
                    (decode_id(a.account_id, "Account", "accounts"), a.note) for a in input.accounts
                ],
                now=info.context.now(),
            ),
        )


@strawberry.type
class ReviewsQuery:
    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="One weekly review, if you can see it (managers of its unit or above, "
        "reps of its unit).",
    )
    async def weekly_review(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The review's global ID.")],
    ) -> WeeklyReviewNode | None:
        row = id_of(id, "WeeklyReview")
        return None if row is None else await info.context.loaders.weekly_review.load(row)

    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="A unit's weekly reviews whose week starts in [from, to], in the order "
        "they were started; `includeSubtree` adds the reviews of the units below.",
    )
    async def weekly_reviews(
        self,
        info: Info,
        unit_id: Annotated[relay.GlobalID, strawberry.argument(description="The OrgUnit.")],
        from_: Annotated[
            date | None,
            strawberry.argument(
                name="from", description="Only weeks starting on or after this day; null: no bound."
            ),
        ] = None,
        to: Annotated[
            date | None,
            strawberry.argument(
                description="Only weeks starting on or before this day; null: no bound."
            ),
        ] = None,
        include_subtree: Annotated[
            bool, strawberry.argument(description="Add the reviews of the units below.")
        ] = False,
        first: First = None,
        after: After = None,
    ) -> WeeklyReviewConnection:
        async def use_case(session, actor):
            after_id, size = page_args(first, after, info.context.settings.max_page_size)
            return await reviews.list_reviews(
                session,
                actor,
                unit_id=decode_id(unit_id, "OrgUnit", "unit_id"),
                start=from_,
                end=to,
                include_subtree=include_subtree,
                after_id=after_id,
                first=size,
            )

        return to_connection(WeeklyReviewConnection, await read(info, use_case))
