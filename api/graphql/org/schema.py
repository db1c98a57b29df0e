"""Org queries and mutations: thin resolvers that decode input and call the services."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.descriptions import After, First
from api.core.errors import perform, read
from api.core.permissions import ADMINS, READ_ORG, allow
from api.core.relay import decode_id, page_args, to_connection
from api.graphql.org.inputs import (
    CreateOrgUnit,
    CreateOrgUnitInput,
    CreateRep,
    CreateRepInput,
    CreateUser,
    CreateUserInput,
    IssueToken,
    IssueTokenInput,
    MoveOrgUnit,
    MoveOrgUnitInput,
    RevokeToken,
    RevokeTokenInput,
    UpdateRep,
    UpdateRepInput,
)
from api.graphql.org.types import (
    OrgUnitConnection,
    OrgUnitNode,
    RepConnection,
    RepNode,
    UserNode,
)
from domain.org import access, queries, service
from domain.org.models import OrgUnitKind, RepLevel


def rep_changes(input: CreateRepInput | UpdateRepInput) -> service.RepChanges:
    return service.RepChanges(
        name=input.name,
        email=input.email,
        unit_id=decode_id(input.unit_id, "OrgUnit", "unit_id"),
        level=input.level,
        hire_date=input.hire_date,
        capacity=input.capacity,
        status=input.status,
        specialties=None
        if input.specialties is None
        else {s.segment: s.proficiency for s in input.specialties},
        territories=input.territories,
    )


REP_RELATIONS = {"unit": ("unit", "unit_id"), "manager": ("manager", "unit_id")}
UNIT_RELATIONS = {"parent": ("unit", "parent_id"), "manager": ("manager", "id")}


@strawberry.type
class OrgQuery:
    @strawberry.field(extensions=allow(), description="Any object by its global ID, if in scope.")
    async def node(
        self,
        info: Info,
        id: Annotated[
            relay.GlobalID, strawberry.argument(description="Any global ID this API returned.")
        ],
    ) -> relay.Node | None:
        try:
            return await id.resolve_node(info, required=False)
        except ValueError:  # a type name that is no node of this schema
            return None

    @strawberry.field(extensions=allow(), description="The caller's own login.")
    async def me(self, info: Info) -> UserNode:
        actor = await info.context.require_actor()
        user = await info.context.run(access.own_user, actor)
        await info.context.loaders.prefetch_rep_with_unit(info, user and user.rep_id)
        return user

    @strawberry.field(extensions=allow(*READ_ORG), description="Org units in your scope.")
    async def org_units(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        root_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="Only this OrgUnit and its subtree."),
        ] = None,
        kind: Annotated[
            OrgUnitKind | None, strawberry.argument(description="Only units of this kind.")
        ] = None,
    ) -> OrgUnitConnection:
        async def use_case(session, actor):
            after_id, size = page_args(first, after, info.context.settings.max_page_size)
            filters = queries.UnitFilter(decode_id(root_id, "OrgUnit", "root_id"), kind)
            return await queries.list_units(session, actor, filters, after_id, size)

        page = await read(info, use_case)
        await info.context.loaders.prefetch(info, page.items, UNIT_RELATIONS)
        return to_connection(OrgUnitConnection, page)

    @strawberry.field(extensions=allow(*READ_ORG), description="One org unit, if in scope.")
    async def org_unit(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The unit's global ID.")],
    ) -> OrgUnitNode | None:
        return (await OrgUnitNode.resolve_nodes(info=info, node_ids=[_own_id(id, "OrgUnit")]))[0]

    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="Reps in your scope; `unitId` takes the unit's whole subtree.",
    )
    async def reps(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        unit_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="Only reps of this OrgUnit's subtree."),
        ] = None,
        level: Annotated[
            RepLevel | None, strawberry.argument(description="Only reps of this level.")
        ] = None,
        specialty: Annotated[
            str | None, strawberry.argument(description="Only reps with this specialty segment.")
        ] = None,
        active: Annotated[
            bool | None,
            strawberry.argument(
                description="true: only ACTIVE reps; false: only those not active; null: all."
            ),
        ] = None,
    ) -> RepConnection:
        async def use_case(session, actor):
            after_id, size = page_args(first, after, info.context.settings.max_page_size)
            unit = decode_id(unit_id, "OrgUnit", "unit_id")
            filters = queries.RepFilter(unit, level, specialty, active)
            return await queries.list_reps(session, actor, filters, after_id, size)

        page = await read(info, use_case)
        await info.context.loaders.prefetch(info, page.items, REP_RELATIONS)
        return to_connection(RepConnection, page)

    @strawberry.field(extensions=allow(*READ_ORG), description="One rep, if in scope.")
    async def rep(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The rep's global ID.")],
    ) -> RepNode | None:
        return (await RepNode.resolve_nodes(info=info, node_ids=[_own_id(id, "Rep")]))[0]


def _own_id(global_id: relay.GlobalID, type_name: str) -> str:
    """The node id when the global ID has the expected type; an impossible id otherwise."""
    return global_id.node_id if global_id.type_name == type_name else "-"


@strawberry.type
class OrgMutation:
    @strawberry.mutation(extensions=allow(*ADMINS), description="Add a unit to the org tree.")
    async def create_org_unit(self, info: Info, input: CreateOrgUnitInput) -> CreateOrgUnit.payload:
        return await perform(
            info,
            CreateOrgUnit,
            lambda session, actor: service.create_org_unit(
                session,
                actor,
                code=input.code,
                name=input.name,
                kind=input.kind,
                parent_id=decode_id(input.parent_id, "OrgUnit", "parent_id"),
            ),
        )

    @strawberry.mutation(
        extensions=allow(*ADMINS), description="Move a unit, with its subtree, under another."
    )
    async def move_org_unit(self, info: Info, input: MoveOrgUnitInput) -> MoveOrgUnit.payload:
        return await perform(
            info,
            MoveOrgUnit,
            lambda session, actor: service.move_org_unit(
                session,
                actor,
                unit_id=decode_id(input.id, "OrgUnit", "id"),
                new_parent_id=decode_id(input.new_parent_id, "OrgUnit", "new_parent_id"),
            ),
        )

    @strawberry.mutation(extensions=allow(*ADMINS), description="Add a rep to a unit.")
    async def create_rep(self, info: Info, input: CreateRepInput) -> CreateRep.payload:
        return await perform(
            info,
            CreateRep,
            lambda session, actor: service.create_rep(
                session,
                actor,
                external_id=input.external_id,
                today=info.context.today(),
                data=rep_changes(input),
            ),
        )

    @strawberry.mutation(extensions=allow(*ADMINS), description="Change a rep's details.")
    async def update_rep(self, info: Info, input: UpdateRepInput) -> UpdateRep.payload:
        return await perform(
            info,
            UpdateRep,
            lambda session, actor: service.update_rep(
                session,
                actor,
                rep_id=decode_id(input.id, "Rep", "id"),
                today=info.context.today(),
                data=rep_changes(input),
            ),
        )

    @strawberry.mutation(extensions=allow(*ADMINS), description="Create a login.")
    async def create_user(self, info: Info, input: CreateUserInput) -> CreateUser.payload:
        return await perform(
            info,
            CreateUser,
            lambda session, actor: access.create_user(
                session,
                actor,
                login=input.login,
                display_name=input.display_name,
                roles=input.roles,
                email=input.email,
                scope_unit_id=decode_id(input.scope_unit_id, "OrgUnit", "scope_unit_id"),
                rep_id=decode_id(input.rep_id, "Rep", "rep_id"),
            ),
        )

    @strawberry.mutation(
        extensions=allow(*ADMINS), description="Issue an API token; the secret is shown once."
    )
    async def issue_token(self, info: Info, input: IssueTokenInput) -> IssueToken.payload:
        return await perform(
            info,
            IssueToken,
            lambda session, actor: access.issue_token(
                session,
                actor,
                user_id=decode_id(input.user_id, "User", "user_id"),
                name=input.name,
                expires_at=input.expires_at,
            ),
            to_payload=lambda issued: {"token": issued[0], "secret": issued[1]},
        )

    @strawberry.mutation(extensions=allow(*ADMINS), description="Revoke an API token at once.")
    async def revoke_token(self, info: Info, input: RevokeTokenInput) -> RevokeToken.payload:
        return await perform(
            info,
            RevokeToken,
            lambda session, actor: access.revoke_token(
                session, actor, token_id=decode_id(input.id, "ApiToken", "id")
            ),
        )
