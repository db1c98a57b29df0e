"""Who is asking: a login's roles and the part of the org tree they may look at."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from domain.labels import LabelledEnum, register


@register
class Role(LabelledEnum):
    ADMIN = ("admin", "管理员", "Administrator")
    DIRECTOR = ("director", "销售总监", "Sales director")
    MANAGER = ("manager", "销售经理", "Sales manager")
    REP = ("rep", "销售代表", "Sales rep")
    INTAKE = ("intake", "线索接入", "Lead intake")


@dataclass(frozen=True)
class Actor:
    """The caller as the services see it: roles plus where they may look.

    ``scope_path`` is the materialised path of the scope unit; ``None`` with the admin role
    means the whole company. A rep sees their own record and their own unit.
    """

    user_id: int
    roles: frozenset[str]
    scope_path: str | None = None
    rep_id: int | None = None
    rep_unit_id: int | None = None
    login: str = ""

    def has(self, *roles: Role) -> bool:
        return any(role.value in self.roles for role in roles)

    @property
    def sees_whole_company(self) -> bool:
        return self.has(Role.ADMIN) and self.scope_path is None

    @property
    def subtree_path(self) -> str | None:
        """The subtree this actor manages, if any (admin, director, manager)."""
        if self.has(Role.ADMIN, Role.DIRECTOR, Role.MANAGER):
            return self.scope_path
        return None

    def manages_path(self, unit_path: str) -> bool:
        """True when a unit with this path lies in the actor's managed subtree."""
        if self.sees_whole_company:
            return True
        scope = self.subtree_path
        return scope is not None and unit_path.startswith(scope)


Clause = TypeVar("Clause")


def per_actor(visible: Callable[[Actor], Clause]) -> Callable[[Actor], Clause]:
    """For a visibility clause: built once per caller (the last 1,024 of them), not on every
    read. A clause depends on nothing but the actor, and SQLAlchemy's expressions do not
    change once built, so one object serves every statement; building one (subqueries of the
    org tree, an `or_` of conditions) cost about as much as running a small statement."""
    return functools.lru_cache(maxsize=1024)(visible)
