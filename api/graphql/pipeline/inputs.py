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


@strawberry.input(description="A new customer account.")
class CreateAccountInput:
    name: str = strawberry.field(description="The customer's name.")
    segment: str = strawberry.field(
        description="Segment code (lower case), e.g. `education` or `manufacturing`."
    )
    region: str | None = strawberry.field(
        default=None, description="Region code (lower case), if any."
    )
    high_value: bool = strawberry.field(
        default=False, description="A high-value account: its open deals are watched for silence."
    )
    owner_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The owning rep; defaults to you when you are a rep."
    )


QUALIFICATION_HELP = (
    "Keys: budget_range {min, max}, decision_maker, decision_chain [..], need, "
    "need_confirmed_on (YYYY-MM-DD: the day the customer confirmed the need, when recorded "
    "later; the needs-confirmed KPI counts it on that day), timeline (YYYY-MM-DD), "
    "competitors [..]; merged into what is there, null removes a key."
)


@strawberry.input(description="A new deal; it starts in the LEAD stage.")
class CreateOpportunityInput:
    account_id: relay.GlobalID = strawberry.field(description="The account's global ID.")
    title: str = strawberry.field(description="What is being sold.")
    amount: BigInt = strawberry.field(description="Expected amount in fen (non-negative).")
    expected_close: date = strawberry.field(description="When it is expected to close.")
    owner_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The owning rep; defaults to you when you are a rep."
    )
    co_owner_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="Reps who share the deal with the owner."
    )
    qualification: JSON | None = strawberry.field(default=None, description=QUALIFICATION_HELP)
    source_lead: str | None = strawberry.field(
        default=None, description="The lead source it came from, e.g. `website` or `referral`."
    )
    high_margin: bool = strawberry.field(
        default=False, description="A high-margin product (counts for that metric)."
    )


@strawberry.input(description="Never changes the stage.")
class UpdateOpportunityDetailsInput:
    id: relay.GlobalID = strawberry.field(description="The opportunity.")
    expected_version: int = strawberry.field(
        description="The opportunity's `version` as you read it; a stale one is refused with "
        "STALE_VERSION."
    )
    title: str | None = strawberry.field(default=None, description="A new title; null keeps it.")
    amount: BigInt | None = strawberry.field(
        default=None, description="A new expected amount in fen; null keeps it."
    )
    expected_close: date | None = strawberry.field(
        default=None, description="A new expected close; null keeps it."
    )
    qualification: JSON | None = strawberry.field(default=None, description=QUALIFICATION_HELP)
    co_owner_ids: list[relay.GlobalID] | None = strawberry.field(
        default=None, description="The new co-owners, replacing the old list; null keeps them."
    )
    high_margin: bool | None = strawberry.field(
        default=None, description="A new high-margin flag; null keeps it."
    )


@strawberry.input(description="Move a deal forward; the target stage's entry gate must pass.")
class AdvanceOpportunityInput:
    id: relay.GlobalID = strawberry.field(description="The opportunity.")
    expected_version: int = strawberry.field(
        description="The opportunity's `version` as you read it; a stale one is refused with "
        "STALE_VERSION."
    )
    to_stage: Stage | None = strawberry.field(
        default=None, description="Default: the next stage; later only over skippable ones."
    )


@strawberry.input(description="Move a deal back one stage.")
class MoveOpportunityBackInput:
    id: relay.GlobalID = strawberry.field(description="The opportunity.")
    expected_version: int = strawberry.field(
        description="The opportunity's `version` as you read it; a stale one is refused with "
        "STALE_VERSION."
    )
    reason: str = strawberry.field(description="Why it goes back; kept in the stage history.")


@strawberry.input(description="Close a deal as won.")
class WinOpportunityInput:
    id: relay.GlobalID = strawberry.field(description="The opportunity.")
    expected_version: int = strawberry.field(
        description="The opportunity's `version` as you read it; a stale one is refused with "
        "STALE_VERSION."
    )
    signed_amount: BigInt = strawberry.field(
        description="The signed contract amount in fen (above zero)."
    )
    signed_on: date = strawberry.field(description="The signing date (not in the future).")


@strawberry.input(description="Check one item of a deal's contract compliance checklist.")
class CheckContractItemInput:
    opportunity_id: relay.GlobalID = strawberry.field(description="The opportunity.")
    code: str = strawberry.field(description="The item's code, e.g. `legal_review`.")
    note: str | None = strawberry.field(
        default=None, description="What was checked (e.g. the approval number), if useful."
    )


@strawberry.input(description="Close a deal as lost, with a reason.")
class LoseOpportunityInput:
    id: relay.GlobalID = strawberry.field(description="The opportunity.")
    expected_version: int = strawberry.field(
        description="The opportunity's `version` as you read it; a stale one is refused with "
        "STALE_VERSION."
    )
    reason_code: str = strawberry.field(description="A code from `lossReasons`.")
    note: str | None = strawberry.field(default=None, description="Required for `other`.")


@strawberry.input(description="Reopen a won or lost deal (a manager of its owner).")
class ReopenOpportunityInput:
    id: relay.GlobalID = strawberry.field(description="The opportunity.")
    expected_version: int = strawberry.field(
        description="The opportunity's `version` as you read it; a stale one is refused with "
        "STALE_VERSION."
    )
    reason: str = strawberry.field(description="Why it is reopened; kept in the stage history.")
    to_stage: Stage | None = strawberry.field(
        default=None, description="Default: the stage it was closed from."
    )


@strawberry.input(description="Hand a deal to another active rep (a manager of its owner).")
class ReassignOpportunityInput:
    id: relay.GlobalID = strawberry.field(description="The opportunity.")
    expected_version: int = strawberry.field(
        description="The opportunity's `version` as you read it; a stale one is refused with "
        "STALE_VERSION."
    )
    new_owner_id: relay.GlobalID = strawberry.field(description="The rep who takes it over.")
    reason: str = strawberry.field(description="Why; kept in the ownership history.")


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
    [
        *MOVE,
        PipelineError.INVALID_AMOUNT,
        PipelineError.INVALID_DATE,
        PipelineError.CHECKLIST_INCOMPLETE,
    ],
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
CheckContractItem = mutation_types(
    "CheckContractItem",
    "opportunity",
    OpportunityNode,
    [
        *FOUND,
        PipelineError.CLOSED,
        PipelineError.CHECKLIST_ITEM_NOT_FOUND,
        PipelineError.ALREADY_CHECKED,
        KernelError.TOO_LONG,
    ],
)
