"""Gap reasons, comments and OKRs in GraphQL."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.errors import mutation_types, perform, read
from api.org_types import OrgUnitNode, RepNode
from api.permissions import ADMINS, READ_ORG, allow
from api.relay import decode_id
from api.target_types import GapReasonType, GapTagType, TargetCommentType, TargetNode
from api.targets import PLANNERS, decode_owner
from domain.targets import collaboration
from domain.targets.progress import PaceBasis


@strawberry.type(description="A gap reason and how often it was tagged.")
class GapReasonCount:
    reason: GapReasonType
    count: int


@strawberry.type(name="KeyResult", description="A key result bound to a metric target.")
class KeyResultType:
    title: str

    @strawberry.field
    async def target(self, info: Info) -> TargetNode | None:
        return await info.context.loaders.target.load(self.target_id)


@strawberry.type(name="Objective", description="An OKR objective with 2–4 key results.")
class ObjectiveType:
    id: int
    title: str

    @strawberry.field
    async def owner_unit(self, info: Info) -> OrgUnitNode | None:
        kind, _, key = self.owner_key.partition(":")
        return await info.context.loaders.unit.load(int(key)) if kind == "unit" else None

    @strawberry.field
    async def owner_rep(self, info: Info) -> RepNode | None:
        kind, _, key = self.owner_key.partition(":")
        return await info.context.loaders.rep.load(int(key)) if kind == "rep" else None

    @strawberry.field
    async def key_results(self, info: Info) -> list[KeyResultType]:
        return await info.context.loaders.key_results.load(self.id)

    @strawberry.field(description="Mean completion of the key results, each capped at 1.0.")
    async def score(self, info: Info, as_of: date | None = None) -> float:
        return await _okr_score(self.id, info, as_of)

    @strawberry.field(description="A score of 0.7 or more counts as success.")
    async def success(self, info: Info, as_of: date | None = None) -> bool:
        return await _okr_score(self.id, info, as_of) >= collaboration.OKR_SUCCESS


async def _okr_score(objective_id: int, info: Info, as_of: date | None) -> float:
    day = as_of or info.context.today()
    key_results = await info.context.loaders.key_results.load(objective_id)
    paces = await info.context.loaders.progress.load_many(
        [(kr.target_id, day, PaceBasis.WORKING_DAYS) for kr in key_results]
    )
    return collaboration.okr_score(paces)


TagGap = mutation_types(
    "TagGap",
    "tag",
    GapTagType,
    ["INVALID_ID", "TARGET_NOT_FOUND", "UNKNOWN_REASON", "NOTE_REQUIRED"],
)
CommentOnTarget = mutation_types(
    "CommentOnTarget",
    "comment",
    TargetCommentType,
    ["INVALID_ID", "TARGET_NOT_FOUND", "REQUIRED", "TOO_LONG", "MENTION_NOT_FOUND"],
)
DefineGapReason = mutation_types(
    "DefineGapReason", "reason", GapReasonType, ["INVALID_CODE", "REQUIRED", "TOO_LONG"]
)
CreateObjective = mutation_types(
    "CreateObjective",
    "objective",
    ObjectiveType,
    [
        "INVALID_ID",
        "OWNER_NOT_FOUND",
        "TARGET_NOT_FOUND",
        "REQUIRED",
        "TOO_LONG",
        "KEY_RESULT_COUNT",
        "DUPLICATE_TARGET",
    ],
)


@strawberry.input
class TagGapInput:
    target_id: relay.GlobalID
    reason_code: str = strawberry.field(description="A code from `gapReasons`.")
    note: str | None = strawberry.field(default=None, description="Required for `other`.")


@strawberry.input
class CommentOnTargetInput:
    target_id: relay.GlobalID
    body: str = strawberry.field(description="Mention people with @login.")


@strawberry.input
class DefineGapReasonInput:
    code: str
    label_zh: str
    label_en: str


@strawberry.input
class KeyResultInput:
    target_id: relay.GlobalID
    title: str


@strawberry.input
class CreateObjectiveInput:
    title: str
    owner_id: relay.GlobalID = strawberry.field(description="An OrgUnit or a Rep.")
    key_results: list[KeyResultInput]


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
        root_id: relay.GlobalID,
        period_start: date | None = None,
        limit: int = 3,
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
    async def objectives(self, info: Info, owner_id: relay.GlobalID) -> list[ObjectiveType]:
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
