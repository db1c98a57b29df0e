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


def forbidden(roles: tuple[Role, ...], language: str) -> str:
    """FORBIDDEN in the caller's language, naming the roles that may."""
    if language == "en":
        names = ", ".join(role.value for role in roles)
        return f"Forbidden: this operation needs one of the roles {names}."
    return f"无权执行此操作：需要以下角色之一：{'、'.join(role.label_zh for role in roles)}。"


class HasRole(BasePermission):
    """The caller is authenticated (else UNAUTHENTICATED) and holds one of the roles
    (else FORBIDDEN, in the caller's language)."""

    error_extensions = {"code": "FORBIDDEN"}

    def __init__(self, roles: tuple[Role, ...]):
        self.roles = roles
        self.message = forbidden(roles, "en")

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        actor = await info.context.require_actor()
        if not actor.has(*self.roles):
            # raised here rather than by `on_unauthorized`, which does not know the request
            raise GraphQLError(
                forbidden(self.roles, info.context.language), extensions=self.error_extensions
            )
        return True

    def on_unauthorized(self) -> None:
        raise GraphQLError(self.message, extensions=self.error_extensions)


def allow(*roles: Role) -> list[PermissionExtension]:
    """Field extensions admitting the given roles: `@strawberry.field(extensions=allow(...))`."""
    return [PermissionExtension(permissions=[HasRole(roles or EVERYONE)], use_directives=False)]
