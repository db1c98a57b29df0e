"""Per-request context: the unit of work, the caller, the DataLoaders."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Concatenate, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from api.core.auth import Authenticator
from domain.db import utcnow
from domain.kernel.actor import Actor
from domain.settings import Settings

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class Context:
    request: HTTPConnection
    session: AsyncSession
    settings: Settings
    authenticator: Authenticator
    request_id: str
    language: str = "zh"
    gates: Any = None  # the stage gates in force (domain.pipeline.rules.Gates)
    scenarios: Any = None  # the practice scenarios (coaching.scenario.ScenarioSet)
    voices: Any = None  # the practice engines (coaching.practice.engines.Voices)
    router: Any = None  # the routing policy and intake schema (coaching.routing.service.Router)
    # One AsyncSession cannot run two statements at once, but GraphQL resolves sibling
    # fields concurrently: every use of the session goes through `run`, which takes this lock.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    loaders: Any = None
    # graphql-transport-ws: the `connection_init` payload, e.g. {"authorization": "Bearer …"}
    connection_params: Any = None
    _actor: Actor | None = None
    _auth_failure: str | None = None
    _authenticated: bool = False

    async def run(
        self, use_case: Callable[Concatenate[AsyncSession, P], Awaitable[R]], *a: Any, **kw: Any
    ) -> R:
        async with self.lock:
            return await use_case(self.session, *a, **kw)

    async def actor(self) -> Actor | None:
        """The authenticated caller, or None (the reason is kept for the error message)."""
        async with self.lock:
            if not self._authenticated:
                self._actor, self._auth_failure = await self.authenticator.authenticate(
                    self.session, self._authorization()
                )
                self._authenticated = True
        return self._actor

    def _authorization(self) -> str | None:
        header = self.request.headers.get("authorization")
        if header is None and isinstance(self.connection_params, dict):
            params = {str(k).lower(): v for k, v in self.connection_params.items()}
            header = params.get("authorization")
        return header if isinstance(header, str) else None

    async def require_actor(self) -> Actor:
        actor = await self.actor()
        if actor is None:
            raise GraphQLError(
                f"Not authenticated: {self._auth_failure}. 未认证：请提供有效的访问令牌。",
                extensions={"code": "UNAUTHENTICATED"},
            )
        return actor

    def now(self) -> datetime:
        return utcnow()

    def today(self) -> date:
        return utcnow().astimezone(ZoneInfo(self.settings.timezone)).date()


def language_of(accept_language: str | None) -> str:
    return "en" if (accept_language or "").strip().lower().startswith("en") else "zh"
