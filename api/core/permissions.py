"""Declarative permissions: every field that needs a caller names the roles it admits."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types import Info

from domain.kernel.actor import Role

EVERYONE = tuple(Role)
READ_ORG = (Role.ADMIN, Role.DIRECTOR, Role.MANAGER, Role.REP)
ADMINS = (Role.ADMIN,)


class HasRole(BasePermission):
    """The caller is authenticated (else UNAUTHENTICATED) and holds one of the roles
    (else FORBIDDEN)."""

    error_extensions = {"code": "FORBIDDEN"}

    def __init__(self, roles: tuple[Role, ...]):
        self.roles = roles
        names = ", ".join(role.value for role in roles)
        self.message = f"Forbidden: this operation needs one of the roles {names}. 无权执行此操作。"

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        actor = await info.context.require_actor()
        return actor.has(*self.roles)

    def on_unauthorized(self) -> None:
        raise GraphQLError(self.message, extensions=self.error_extensions)


def allow(*roles: Role) -> list[PermissionExtension]:
    """Field extensions admitting the given roles: `@strawberry.field(extensions=allow(...))`."""
    return [PermissionExtension(permissions=[HasRole(roles or EVERYONE)], use_directives=False)]
