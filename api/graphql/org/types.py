"""GraphQL types of the org context. Resolvers receive the ORM rows as `self`; every
relationship goes through a per-request DataLoader."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.labels import graphql_enum
from api.core.permissions import ADMINS, allow
from api.core.relay import OrmNode
from domain.kernel.actor import Role
from domain.org import models
from domain.org.models import OrgUnitKind, RepLevel, RepStatus

graphql_enum(OrgUnitKind, "The kind of an org unit. 组织单元类型。")
graphql_enum(RepLevel, "A rep's level; it sets the daily behaviour KPIs. 销售代表级别。")
graphql_enum(RepStatus, "Whether a rep takes work now. 在岗状态。")
graphql_enum(Role, "What a login may do. 角色。")


@strawberry.type(name="OrgUnit", description="A node of the org tree: company, region, team …")
class OrgUnitNode(OrmNode):
    _model = models.OrgUnit
    _loader = "unit"

    id: relay.NodeID[int]
    code: str = strawberry.field(description="Stable key used by imports, e.g. `east.shanghai`.")
    name: str = strawberry.field(description="Display name, e.g. 上海团队.")
    kind: OrgUnitKind = strawberry.field(description="COMPANY, REGION, AREA or TEAM.")
    depth: int = strawberry.field(description="0 for the company, 1 for a region, …")

    @strawberry.field(description="The parent unit; null for the root or outside your scope.")
    def parent(self, info: Info) -> OrgUnitNode | None:
        return info.context.loaders.related("unit", self.parent_id)

    @strawberry.field(description="Direct child units in your scope, by name.")
    def children(self, info: Info) -> list[OrgUnitNode]:
        return info.context.loaders.related("children", self.id)

    @strawberry.field(description="The nearest manager (or director) at or above this unit.")
    def manager(self, info: Info) -> UserNode | None:
        return info.context.loaders.related("manager", self.id)


@strawberry.type(description="A segment a rep specialises in, with proficiency 1–5.")
class Specialty:
    segment: str = strawberry.field(description="Segment code, e.g. `government`.")
    proficiency: int = strawberry.field(description="1 (aware) to 5 (expert).")


@strawberry.type(name="Rep", description="A sales rep. 销售代表。")
class RepNode(OrmNode):
    _model = models.Rep
    _loader = "rep"

    id: relay.NodeID[int]
    external_id: str = strawberry.field(description="The rep's id in HR or CRM systems.")
    name: str = strawberry.field(description="The rep's name.")
    email: str | None = strawberry.field(description="The rep's e-mail, if known.")
    level: RepLevel = strawberry.field(
        description="JUNIOR, MID or SENIOR: sets the daily KPI minimums."
    )
    hire_date: date = strawberry.field(description="The hire date; new reps ramp up from it.")
    capacity: int = strawberry.field(description="Most open leads the rep may hold at once.")
    status: RepStatus = strawberry.field(
        description="ACTIVE, ON_LEAVE or INACTIVE; only active reps receive leads."
    )

    @strawberry.field(description="Segments the rep specialises in.")
    def specialties(self, info: Info) -> list[Specialty]:
        return info.context.loaders.related("rep_specialties", self.id)

    @strawberry.field(description="Territory codes the rep covers.")
    def territories(self, info: Info) -> list[str]:
        return info.context.loaders.related("rep_territories", self.id)

    @strawberry.field(description="The rep's unit; null when outside your scope.")
    def unit(self, info: Info) -> OrgUnitNode | None:
        return info.context.loaders.related("unit", self.unit_id)

    @strawberry.field(description="The nearest manager (or director) above the rep's unit.")
    def manager(self, info: Info) -> UserNode | None:
        return info.context.loaders.related("manager", self.unit_id)


@strawberry.type(name="User", description="A login with roles and a scope. 账号。")
class UserNode(OrmNode):
    _model = models.User
    _loader = "user"

    id: relay.NodeID[int]
    login: str = strawberry.field(description="Unique login name, also the @mention handle.")
    display_name: str = strawberry.field(description="The name others see.")
    email: str | None = strawberry.field(description="The user's e-mail, if known.")
    active: bool = strawberry.field(
        description="False once the login is disabled: its tokens stop working."
    )

    @strawberry.field(description="What the login may do.")
    def roles(self) -> list[Role]:
        return [Role(value) for value in self.roles]

    @strawberry.field(description="The org subtree this login manages; null for company-wide.")
    async def scope_unit(self, info: Info) -> OrgUnitNode | None:
        if self.scope_unit_id is None:
            return None
        return await info.context.loaders.unit.load(self.scope_unit_id)

    @strawberry.field(description="The rep behind a rep login.")
    def rep(self, info: Info) -> RepNode | None:
        return info.context.loaders.related("rep", self.rep_id)

    @strawberry.field(extensions=allow(*ADMINS), description="The login's API tokens (admins).")
    async def api_tokens(self, info: Info) -> list[ApiTokenNode]:
        return await info.context.loaders.tokens.load(self.id)


@strawberry.type(name="ApiToken", description="An API token; its secret is shown only once.")
class ApiTokenNode(OrmNode):
    _model = models.ApiToken
    _loader = "token"

    id: relay.NodeID[int]
    name: str = strawberry.field(description="What the token is for.")
    prefix: str = strawberry.field(description="The first characters, to recognise the token.")
    created_at: datetime = strawberry.field(description="When it was issued.")
    expires_at: datetime | None = strawberry.field(description="When it expires; null for never.")
    revoked_at: datetime | None = strawberry.field(
        description="When it was revoked; null while valid."
    )

    @strawberry.field(description="The user the token acts as.")
    def user(self, info: Info) -> UserNode | None:
        return info.context.loaders.related("user", self.user_id)


@strawberry.type(description="A page of org units.")
class OrgUnitConnection(relay.Connection[OrgUnitNode]):
    total_count: int = strawberry.field(description="Rows matching the filter, in your scope.")


@strawberry.type(description="A page of reps.")
class RepConnection(relay.Connection[RepNode]):
    total_count: int = strawberry.field(description="Rows matching the filter, in your scope.")


async def display_user(info: Info, user_id: int | None) -> UserNode | None:
    """The user behind an optional reference (who acted, who wrote), for display."""
    if user_id is None:
        return None
    return await info.context.loaders.display_user.load(user_id)
