"""GraphQL inputs of the pipeline: accounts, opportunities and their history, and each mutation's
payload and error codes."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from api.core.errors import mutation_types
from api.core.scalars import BigInt
from api.graphql.pipeline.types import (
    AccountType,
    OpportunityNode,
)
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


FOUND = ["INVALID_ID", "OPPORTUNITY_NOT_FOUND"]
MOVE = [*FOUND, "STALE_VERSION", "CLOSED", "ILLEGAL_TRANSITION"]
TEXT = ["REQUIRED", "TOO_LONG"]
CreateAccount = mutation_types(
    "CreateAccount",
    "account",
    AccountType,
    ["INVALID_ID", "REP_NOT_FOUND", "OWNER_REQUIRED", *TEXT, "INVALID_CODE"],
)
CreateOpportunity = mutation_types(
    "CreateOpportunity",
    "opportunity",
    OpportunityNode,
    [
        "INVALID_ID",
        "ACCOUNT_NOT_FOUND",
        "REP_NOT_FOUND",
        "OWNER_REQUIRED",
        *TEXT,
        "NEGATIVE_AMOUNT",
        "INVALID_QUALIFICATION",
    ],
)
UpdateOpportunityDetails = mutation_types(
    "UpdateOpportunityDetails",
    "opportunity",
    OpportunityNode,
    [
        *FOUND,
        "STALE_VERSION",
        "CLOSED",
        "REP_NOT_FOUND",
        *TEXT,
        "NEGATIVE_AMOUNT",
        "INVALID_QUALIFICATION",
        "MISSING_QUALIFICATION",
    ],
)
AdvanceOpportunity = mutation_types(
    "AdvanceOpportunity",
    "opportunity",
    OpportunityNode,
    [*MOVE, "MISSING_QUALIFICATION", "INVALID_QUALIFICATION"],
)
MoveOpportunityBack = mutation_types(
    "MoveOpportunityBack", "opportunity", OpportunityNode, [*MOVE, "REASON_REQUIRED"]
)
WinOpportunity = mutation_types(
    "WinOpportunity", "opportunity", OpportunityNode, [*MOVE, "INVALID_AMOUNT", "INVALID_DATE"]
)
LoseOpportunity = mutation_types(
    "LoseOpportunity",
    "opportunity",
    OpportunityNode,
    [*FOUND, "STALE_VERSION", "CLOSED", "UNKNOWN_LOSS_REASON", "NOTE_REQUIRED"],
)
ReopenOpportunity = mutation_types(
    "ReopenOpportunity",
    "opportunity",
    OpportunityNode,
    [
        *FOUND,
        "STALE_VERSION",
        "MANAGER_REQUIRED",
        "REASON_REQUIRED",
        "NOT_CLOSED",
        "ILLEGAL_TRANSITION",
        "MISSING_QUALIFICATION",
    ],
)
ReassignOpportunity = mutation_types(
    "ReassignOpportunity",
    "opportunity",
    OpportunityNode,
    [
        *FOUND,
        "STALE_VERSION",
        "MANAGER_REQUIRED",
        "REASON_REQUIRED",
        "REP_NOT_FOUND",
        "SAME_OWNER",
        "REP_NOT_ACTIVE",
    ],
)
