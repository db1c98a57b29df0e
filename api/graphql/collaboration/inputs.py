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


@strawberry.input(description="Attach a gap reason to a target.")
class TagGapInput:
    target_id: relay.GlobalID = strawberry.field(description="The target.")
    reason_code: str = strawberry.field(description="A code from `gapReasons`.")
    note: str | None = strawberry.field(default=None, description="Required for `other`.")


@strawberry.input(description="A comment on a target, with @login mentions.")
class CommentOnTargetInput:
    target_id: relay.GlobalID = strawberry.field(description="The target.")
    body: str = strawberry.field(description="Mention people with @login.")


@strawberry.input(description="Add a gap reason, or relabel an existing one.")
class DefineGapReasonInput:
    code: str = strawberry.field(description="Stable code (lower case), e.g. `competitor`.")
    label_zh: str = strawberry.field(description="The label in Chinese.")
    label_en: str = strawberry.field(description="The label in English.")


@strawberry.input(description="A key result bound to a metric target.")
class KeyResultInput:
    target_id: relay.GlobalID = strawberry.field(description="The target that measures it.")
    title: str = strawberry.field(description="What the key result says.")


@strawberry.input(description="A new OKR objective.")
class CreateObjectiveInput:
    title: str = strawberry.field(description="What the objective says.")
    owner_id: relay.GlobalID = strawberry.field(description="An OrgUnit or a Rep.")
    key_results: list[KeyResultInput] = strawberry.field(
        description="Two to four key results, each bound to a different target."
    )
