"""Gap reasons, comments and OKRs in GraphQL."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.errors import perform, read
from api.core.permissions import ADMINS, READ_ORG, allow
from api.core.relay import decode_id
from api.graphql.collaboration.inputs import (
    CommentOnTarget,
    CommentOnTargetInput,
    CreateObjective,
    CreateObjectiveInput,
    DefineGapReason,
    DefineGapReasonInput,
    TagGap,
    TagGapInput,
)
from api.graphql.collaboration.types import GapReasonCount, ObjectiveType
from api.graphql.targets.schema import PLANNERS, decode_owner
from api.graphql.targets.types import GapReasonType
from domain.targets.collaboration import service as collaboration


@strawberry.type
class CollaborationQuery:
    @strawberry.field(extensions=allow(*READ_ORG), description="The managed gap reasons.")
    async def gap_reasons(self, info: Info) -> list[GapReasonType]:
        return await read(info, lambda session, actor: collaboration.gap_reasons(session))

    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="The most tagged gap reasons in a unit's subtree (top three by default).",
    )
    async def top_gap_reasons(
        self,
        info: Info,
        root_id: Annotated[
            relay.GlobalID,
            strawberry.argument(description="The OrgUnit whose subtree's targets are counted."),
        ],
        period_start: Annotated[
            date | None,
            strawberry.argument(
                description="Only targets whose period starts on this day; null for all."
            ),
        ] = None,
        limit: Annotated[int, strawberry.argument(description="How many reasons, 1–20.")] = 3,
    ) -> list[GapReasonCount]:
        async def use_case(session, actor):
            return await collaboration.top_gap_reasons(
                session,
                actor,
                root_unit_id=decode_id(root_id, "OrgUnit", "root_id"),
                period_start=period_start,
                limit=max(1, min(limit, 20)),
            )

        rows = await read(info, use_case)
        return [GapReasonCount(reason=row.reason, count=row.count) for row in rows]

    @strawberry.field(extensions=allow(*READ_ORG), description="An owner's OKR objectives.")
    async def objectives(
        self,
        info: Info,
        owner_id: Annotated[
            relay.GlobalID, strawberry.argument(description="An OrgUnit or a Rep.")
        ],
    ) -> list[ObjectiveType]:
        return await read(
            info,
            lambda session, actor: collaboration.objectives_for(
                session, actor, decode_owner(owner_id)
            ),
        )


@strawberry.type
class CollaborationMutation:
    @strawberry.mutation(extensions=allow(*READ_ORG), description="Say why a target is short.")
    async def tag_gap(self, info: Info, input: TagGapInput) -> TagGap.payload:
        return await perform(
            info,
            TagGap,
            lambda session, actor: collaboration.tag_gap(
                session,
                actor,
                target_id=decode_id(input.target_id, "Target", "target_id"),
                reason_code=input.reason_code,
                note=input.note,
            ),
        )

    @strawberry.mutation(extensions=allow(*READ_ORG), description="Comment on a target.")
    async def comment_on_target(
        self, info: Info, input: CommentOnTargetInput
    ) -> CommentOnTarget.payload:
        return await perform(
            info,
            CommentOnTarget,
            lambda session, actor: collaboration.comment_on_target(
                session,
                actor,
                target_id=decode_id(input.target_id, "Target", "target_id"),
                body=input.body,
            ),
        )

    @strawberry.mutation(extensions=allow(*ADMINS), description="Add or rename a gap reason.")
    async def define_gap_reason(
        self, info: Info, input: DefineGapReasonInput
    ) -> DefineGapReason.payload:
        return await perform(
            info,
            DefineGapReason,
            lambda session, actor: collaboration.define_gap_reason(
                session,
                actor,
                code=input.code,
                label_zh=input.label_zh,
                label_en=input.label_en,
            ),
        )

    @strawberry.mutation(extensions=allow(*PLANNERS), description="Create an OKR objective.")
    async def create_objective(
        self, info: Info, input: CreateObjectiveInput
    ) -> CreateObjective.payload:
        return await perform(
            info,
            CreateObjective,
            lambda session, actor: collaboration.create_objective(
                session,
                actor,
                title=input.title,
                owner=decode_owner(input.owner_id),
                key_results=[
                    (decode_id(kr.target_id, "Target", "key_results"), kr.title)
                    for kr in input.key_results
                ],
            ),
        )
