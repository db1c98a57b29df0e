"""GraphQL inputs of the org context, and each mutation's payload and error codes."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay

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
RevokeToken = mutation_types(
    "RevokeToken",
    "token",
    ApiTokenNode,
    [ApiError.INVALID_ID, OrgError.TOKEN_NOT_FOUND, OrgError.ALREADY_REVOKED],
)


@strawberry.input
class CreateOrgUnitInput:
    code: str = strawberry.field(description="Unique key, lower case: `east.shanghai`.")
    name: str
    kind: OrgUnitKind
    parent_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Required for every kind but COMPANY."
    )


@strawberry.input
class MoveOrgUnitInput:
    id: relay.GlobalID
    new_parent_id: relay.GlobalID


@strawberry.input
class SpecialtyInput:
    segment: str
    proficiency: int = strawberry.field(description="1 (aware) to 5 (expert).")


@strawberry.input
class CreateRepInput:
    external_id: str = strawberry.field(description="The rep's id in HR or CRM systems.")
    name: str
    unit_id: relay.GlobalID
    level: RepLevel
    hire_date: date
    email: str | None = None
    capacity: int = strawberry.field(default=20, description="Max open leads.")
    status: RepStatus = RepStatus.ACTIVE
    specialties: list[SpecialtyInput] = strawberry.field(default_factory=list)
    territories: list[str] = strawberry.field(default_factory=list)


@strawberry.input(description="Fields left null keep their value; lists replace the old ones.")
class UpdateRepInput:
    id: relay.GlobalID
    name: str | None = None
    email: str | None = None
    unit_id: relay.GlobalID | None = None
    level: RepLevel | None = None
    hire_date: date | None = None
    capacity: int | None = None
    status: RepStatus | None = None
    specialties: list[SpecialtyInput] | None = None
    territories: list[str] | None = None


@strawberry.input
class CreateUserInput:
    login: str
    display_name: str
    roles: list[Role]
    email: str | None = None
    scope_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Subtree managed; required for directors and managers."
    )
    rep_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The rep behind a login with the rep role."
    )


@strawberry.input
class IssueTokenInput:
    user_id: relay.GlobalID
    name: str = strawberry.field(description="What the token is for, e.g. `GraphiQL on laptop`.")
    expires_at: datetime | None = None


@strawberry.input
class RevokeTokenInput:
    id: relay.GlobalID
