"""GraphQL inputs of the pipeline: accounts, opportunities and their history, and each mutation's
payload and error codes."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from api.core.errors import ApiError, mutation_types
from api.core.scalars import BigInt
from api.graphql.pipeline.types import (
    AccountType,
    OpportunityNode,
)
from domain.kernel.errors import KernelError
from domain.org.errors import OrgError
from domain.pipeline.errors import PipelineError
from domain.pipeline.stages import Stage


@strawberry.input
class CreateAccountInput:
    name: str
    segment: str
    region: str | None = None
    high_value: bool = False
    owner_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The owning rep; defaults to you when you are a rep."
    )


QUALIFICATION_HELP = (
    "Keys: budget_range {min, max}, decision_maker, decision_chain [..], need, timeline "
    "(YYYY-MM-DD), competitors [..]; merged into what is there, null removes a key."
)


@strawberry.input
class CreateOpportunityInput:
    account_id: relay.GlobalID = strawberry.field(description="The account's global ID.")
    title: str
    amount: BigInt
    expected_close: date
    owner_id: relay.GlobalID | None = None
    co_owner_ids: list[relay.GlobalID] = strawberry.field(default_factory=list)
    qualification: JSON | None = strawberry.field(default=None, description=QUALIFICATION_HELP)
    source_lead: str | None = None
    high_margin: bool = strawberry.field(
        default=False, description="A high-margin product (counts for that metric)."
    )


@strawberry.input(description="Never changes the stage.")
class UpdateOpportunityDetailsInput:
    id: relay.GlobalID
    expected_version: int
    title: str | None = None
    amount: BigInt | None = None
    expected_close: date | None = None
    qualification: JSON | None = strawberry.field(default=None, description=QUALIFICATION_HELP)
    co_owner_ids: list[relay.GlobalID] | None = None
    high_margin: bool | None = None


@strawberry.input
class AdvanceOpportunityInput:
    id: relay.GlobalID
    expected_version: int
    to_stage: Stage | None = strawberry.field(
        default=None, description="Default: the next stage; later only over skippable ones."
    )


@strawberry.input
class MoveOpportunityBackInput:
    id: relay.GlobalID
    expected_version: int
    reason: str


@strawberry.input
class WinOpportunityInput:
    id: relay.GlobalID
    expected_version: int
    signed_amount: BigInt
    signed_on: date


@strawberry.input
class LoseOpportunityInput:
    id: relay.GlobalID
    expected_version: int
    reason_code: str = strawberry.field(description="A code from `lossReasons`.")
    note: str | None = strawberry.field(default=None, description="Required for `other`.")


@strawberry.input
class ReopenOpportunityInput:
    id: relay.GlobalID
    expected_version: int
    reason: str
    to_stage: Stage | None = strawberry.field(
        default=None, description="Default: the stage it was closed from."
    )


@strawberry.input
class ReassignOpportunityInput:
    id: relay.GlobalID
    expected_version: int
    new_owner_id: relay.GlobalID
    reason: str


FOUND = [ApiError.INVALID_ID, PipelineError.OPPORTUNITY_NOT_FOUND]
MOVE = [*FOUND, KernelError.STALE_VERSION, PipelineError.CLOSED, PipelineError.ILLEGAL_TRANSITION]
TEXT = [KernelError.REQUIRED, KernelError.TOO_LONG]
CreateAccount = mutation_types(
    "CreateAccount",
    "account",
    AccountType,
    [
        ApiError.INVALID_ID,
        OrgError.REP_NOT_FOUND,
        PipelineError.OWNER_REQUIRED,
        *TEXT,
        KernelError.INVALID_CODE,
    ],
)
CreateOpportunity = mutation_types(
    "CreateOpportunity",
    "opportunity",
    OpportunityNode,
    [
        ApiError.INVALID_ID,
        PipelineError.ACCOUNT_NOT_FOUND,
        OrgError.REP_NOT_FOUND,
        PipelineError.OWNER_REQUIRED,
        *TEXT,
        PipelineError.NEGATIVE_AMOUNT,
        PipelineError.INVALID_QUALIFICATION,
    ],
)
UpdateOpportunityDetails = mutation_types(
    "UpdateOpportunityDetails",
    "opportunity",
    OpportunityNode,
    [
        *FOUND,
        KernelError.STALE_VERSION,
        PipelineError.CLOSED,
        OrgError.REP_NOT_FOUND,
        *TEXT,
        PipelineError.NEGATIVE_AMOUNT,
        PipelineError.INVALID_QUALIFICATION,
        PipelineError.MISSING_QUALIFICATION,
    ],
)
AdvanceOpportunity = mutation_types(
    "AdvanceOpportunity",
    "opportunity",
    OpportunityNode,
    [*MOVE, PipelineError.MISSING_QUALIFICATION, PipelineError.INVALID_QUALIFICATION],
)
MoveOpportunityBack = mutation_types(
    "MoveOpportunityBack", "opportunity", OpportunityNode, [*MOVE, PipelineError.REASON_REQUIRED]
)
WinOpportunity = mutation_types(
    "WinOpportunity",
    "opportunity",
    OpportunityNode,
    [*MOVE, PipelineError.INVALID_AMOUNT, PipelineError.INVALID_DATE],
)
LoseOpportunity = mutation_types(
    "LoseOpportunity",
    "opportunity",
    OpportunityNode,
    [
        *FOUND,
        KernelError.STALE_VERSION,
        PipelineError.CLOSED,
        PipelineError.UNKNOWN_LOSS_REASON,
        PipelineError.NOTE_REQUIRED,
    ],
)
ReopenOpportunity = mutation_types(
    "ReopenOpportunity",
    "opportunity",
    OpportunityNode,
    [
        *FOUND,
        KernelError.STALE_VERSION,
        PipelineError.MANAGER_REQUIRED,
        PipelineError.REASON_REQUIRED,
        PipelineError.NOT_CLOSED,
        PipelineError.ILLEGAL_TRANSITION,
        PipelineError.MISSING_QUALIFICATION,
        PipelineError.INVALID_QUALIFICATION,
    ],
)
ReassignOpportunity = mutation_types(
    "ReassignOpportunity",
    "opportunity",
    OpportunityNode,
    [
        *FOUND,
        KernelError.STALE_VERSION,
        PipelineError.MANAGER_REQUIRED,
        PipelineError.REASON_REQUIRED,
        OrgError.REP_NOT_FOUND,
        PipelineError.SAME_OWNER,
        PipelineError.REP_NOT_ACTIVE,
    ],
)
