"""GraphQL inputs of gap reasons, comments and OKRs, and each mutation's payload and error codes."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.core.errors import mutation_types
from api.graphql.collaboration.types import ObjectiveType
from api.graphql.targets.types import GapReasonType, GapTagType, TargetCommentType

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
