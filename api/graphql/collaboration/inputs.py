"""GraphQL inputs of gap reasons, comments and OKRs, and each mutation's payload and error codes."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.core.errors import ApiError, mutation_types
from api.graphql.collaboration.types import ObjectiveType
from api.graphql.targets.types import GapReasonType, GapTagType, TargetCommentType
from domain.kernel.errors import KernelError
from domain.targets.errors import TargetError

TagGap = mutation_types(
    "TagGap",
    "tag",
    GapTagType,
    [
        ApiError.INVALID_ID,
        TargetError.TARGET_NOT_FOUND,
        TargetError.UNKNOWN_REASON,
        TargetError.NOTE_REQUIRED,
    ],
)
CommentOnTarget = mutation_types(
    "CommentOnTarget",
    "comment",
    TargetCommentType,
    [
        ApiError.INVALID_ID,
        TargetError.TARGET_NOT_FOUND,
        KernelError.REQUIRED,
        KernelError.TOO_LONG,
        TargetError.MENTION_NOT_FOUND,
    ],
)
DefineGapReason = mutation_types(
    "DefineGapReason",
    "reason",
    GapReasonType,
    [KernelError.INVALID_CODE, KernelError.REQUIRED, KernelError.TOO_LONG],
)
CreateObjective = mutation_types(
    "CreateObjective",
    "objective",
    ObjectiveType,
    [
        ApiError.INVALID_ID,
        TargetError.OWNER_NOT_FOUND,
        TargetError.TARGET_NOT_FOUND,
        KernelError.REQUIRED,
        KernelError.TOO_LONG,
        TargetError.KEY_RESULT_COUNT,
        TargetError.DUPLICATE_TARGET,
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
