"""GraphQL inputs of the org context, and each mutation's payload and error codes."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay

from api.core.descriptions import describe_payload
from api.core.errors import ApiError, mutation_types
from api.graphql.org.types import (
    ApiTokenNode,
    OrgUnitNode,
    RepNode,
    UserNode,
)
from domain.kernel.actor import Role
from domain.kernel.errors import KernelError
from domain.org.errors import OrgError
from domain.org.models import OrgUnitKind, RepLevel, RepStatus

TEXT_CODES = [KernelError.REQUIRED, KernelError.TOO_LONG]
REP_CODES = [
    ApiError.INVALID_ID,
    OrgError.UNIT_NOT_FOUND,
    *TEXT_CODES,
    KernelError.INVALID_CODE,
    OrgError.INVALID_CAPACITY,
    OrgError.INVALID_HIRE_DATE,
    OrgError.INVALID_PROFICIENCY,
]

CreateOrgUnit = mutation_types(
    "CreateOrgUnit",
    "org_unit",
    OrgUnitNode,
    [
        ApiError.INVALID_ID,
        OrgError.PARENT_NOT_FOUND,
        *TEXT_CODES,
        KernelError.INVALID_CODE,
        OrgError.CODE_TAKEN,
        OrgError.COMPANY_WITH_PARENT,
        OrgError.PARENT_REQUIRED,
    ],
)
MoveOrgUnit = mutation_types(
    "MoveOrgUnit",
    "org_unit",
    OrgUnitNode,
    [
        ApiError.INVALID_ID,
        OrgError.UNIT_NOT_FOUND,
        OrgError.PARENT_NOT_FOUND,
        OrgError.CYCLE,
        OrgError.CANNOT_MOVE_ROOT,
    ],
)
CreateRep = mutation_types("CreateRep", "rep", RepNode, [*REP_CODES, OrgError.EXTERNAL_ID_TAKEN])
UpdateRep = mutation_types("UpdateRep", "rep", RepNode, [*REP_CODES, OrgError.REP_NOT_FOUND])
CreateUser = mutation_types(
    "CreateUser",
    "user",
    UserNode,
    [
        ApiError.INVALID_ID,
        KernelError.INVALID_CODE,
        *TEXT_CODES,
        OrgError.ROLES_REQUIRED,
        OrgError.SCOPE_REQUIRED,
        OrgError.REP_REQUIRED,
        OrgError.REP_ROLE_REQUIRED,
        OrgError.UNIT_NOT_FOUND,
        OrgError.REP_NOT_FOUND,
        OrgError.REP_HAS_LOGIN,
        OrgError.LOGIN_TAKEN,
    ],
)
IssueToken = mutation_types(
    "IssueToken",
    "token",
    ApiTokenNode,
    [ApiError.INVALID_ID, OrgError.USER_NOT_FOUND, *TEXT_CODES, OrgError.INVALID_EXPIRY],
    extra={"secret": str},
)
describe_payload(
    IssueToken,
    secret="The token's secret, shown this once: send it as `Authorization: Bearer <secret>`.",
)
RevokeToken = mutation_types(
    "RevokeToken",
    "token",
    ApiTokenNode,
    [ApiError.INVALID_ID, OrgError.TOKEN_NOT_FOUND, OrgError.ALREADY_REVOKED],
)


@strawberry.input(description="A new unit of the org tree.")
class CreateOrgUnitInput:
    code: str = strawberry.field(description="Unique key, lower case: `east.shanghai`.")
    name: str = strawberry.field(description="Display name, e.g. 上海团队.")
    kind: OrgUnitKind = strawberry.field(description="COMPANY (a root), REGION, AREA or TEAM.")
    parent_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Required for every kind but COMPANY."
    )


@strawberry.input(description="Move a unit, with its subtree, under another parent.")
class MoveOrgUnitInput:
    id: relay.GlobalID = strawberry.field(description="The unit to move.")
    new_parent_id: relay.GlobalID = strawberry.field(description="Its new parent unit.")


@strawberry.input(description="A segment the rep specialises in, with a proficiency.")
class SpecialtyInput:
    segment: str = strawberry.field(description="Segment code, e.g. `education`.")
    proficiency: int = strawberry.field(description="1 (aware) to 5 (expert).")


@strawberry.input(description="A new rep in a unit.")
class CreateRepInput:
    external_id: str = strawberry.field(description="The rep's id in HR or CRM systems.")
    name: str = strawberry.field(description="The rep's name.")
    unit_id: relay.GlobalID = strawberry.field(description="The unit the rep belongs to.")
    level: RepLevel = strawberry.field(
        description="JUNIOR, MID or SENIOR: sets the daily KPI minimums."
    )
    hire_date: date = strawberry.field(
        description="The hire date (at most a year ahead); new reps ramp up from it."
    )
    email: str | None = strawberry.field(default=None, description="The rep's e-mail, if any.")
    capacity: int = strawberry.field(default=20, description="Max open leads.")
    status: RepStatus = strawberry.field(
        default=RepStatus.ACTIVE, description="ACTIVE by default; only active reps receive leads."
    )
    specialties: list[SpecialtyInput] = strawberry.field(
        default_factory=list, description="Segments with proficiency, used by lead routing."
    )
    territories: list[str] = strawberry.field(
        default_factory=list,
        description="Territory codes (lower case) the rep covers, used by lead routing.",
    )


@strawberry.input(description="Fields left null keep their value; lists replace the old ones.")
class UpdateRepInput:
    id: relay.GlobalID = strawberry.field(description="The rep.")
    name: str | None = strawberry.field(default=None, description="A new name.")
    email: str | None = strawberry.field(default=None, description="A new e-mail.")
    unit_id: relay.GlobalID | None = strawberry.field(default=None, description="A new unit.")
    level: RepLevel | None = strawberry.field(default=None, description="A new level.")
    hire_date: date | None = strawberry.field(default=None, description="A new hire date.")
    capacity: int | None = strawberry.field(
        default=None, description="A new maximum of open leads."
    )
    status: RepStatus | None = strawberry.field(default=None, description="A new status.")
    specialties: list[SpecialtyInput] | None = strawberry.field(
        default=None, description="The new specialties, replacing the old ones."
    )
    territories: list[str] | None = strawberry.field(
        default=None, description="The new territories, replacing the old ones."
    )


@strawberry.input(description="A new login with roles and a scope.")
class CreateUserInput:
    login: str = strawberry.field(
        description="Unique login name (lower case), also the @mention handle."
    )
    display_name: str = strawberry.field(description="The name others see.")
    roles: list[Role] = strawberry.field(description="At least one role.")
    email: str | None = strawberry.field(default=None, description="The user's e-mail, if any.")
    scope_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Subtree managed; required for directors and managers."
    )
    rep_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The rep behind a login with the rep role."
    )


@strawberry.input(description="A new API token for a user; its secret is shown once.")
class IssueTokenInput:
    user_id: relay.GlobalID = strawberry.field(description="The user the token acts as.")
    name: str = strawberry.field(description="What the token is for, e.g. `GraphiQL on laptop`.")
    expires_at: datetime | None = strawberry.field(
        default=None, description="When it expires (in the future); null for never."
    )


@strawberry.input(description="Revoke an API token.")
class RevokeTokenInput:
    id: relay.GlobalID = strawberry.field(description="The token.")
