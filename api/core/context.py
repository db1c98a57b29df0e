"""Per-request context: the unit of work, the caller, the DataLoaders."""

from __future__ import annotations

import asyncio
import re
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

    def close(self) -> None:
        """Forgets the loaders and all they loaded (they refer back to this context)."""
        if self.loaders is not None:
            self.loaders.close()
            self.loaders = None

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
                unauthenticated(self._auth_failure, self.language),
                extensions={"code": "UNAUTHENTICATED"},
            )
        return actor

    def now(self) -> datetime:
        return utcnow()

    def today(self) -> date:
        return utcnow().astimezone(ZoneInfo(self.settings.timezone)).date()


def language_of(accept_language: str | None) -> str:
    """ "en" when the caller's first choice is English, else "zh" (the default)."""
    return "en" if (accept_language or "").strip().lower().startswith("en") else "zh"


# Why a credential was refused, as the authenticator words it (api/core/auth.py and
# domain/org/access.py), in Chinese: (pattern over the English reason, the Chinese reason).
AUTH_FAILURES_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), zh)
    for pattern, zh in (
        (r"^no Authorization header$", "请求没有 Authorization 请求头"),
        (r"^the Authorization header must be ", "Authorization 请求头须为 Bearer <令牌>"),
        (r"^unknown API token$", "令牌不存在"),
        (r"^API token revoked$", "令牌已被吊销"),
        (r"^API token expired$", "令牌已过期"),
        (r"^API token user inactive$", "令牌所属的账号已停用"),
        (r"^no active Pacer user with login (?P<login>.+)$", "没有登录名为 {login} 的在用账号"),
        (r"^JWT signed with an unknown key id$", "JWT 的签名密钥编号（kid）未知"),
        (r"^JWT algorithm (?P<algorithm>.+) is not accepted$", "不接受 JWT 签名算法 {algorithm}"),
        (r"^JWT expired$", "JWT 已过期"),
        (r"^invalid JWT", "JWT 无效"),
        (r"^JWT has no (?P<claim>.+) claim naming", "JWT 中没有指明账号的 {claim} 声明"),
    )
)


def unauthenticated(reason: str | None, language: str) -> str:
    """UNAUTHENTICATED in the caller's language, with the reason the credential failed."""
    reason = reason or "no credential"
    if language == "en":
        return f"Not authenticated: {reason}. Send a valid access token."
    for pattern, zh in AUTH_FAILURES_ZH:
        if found := pattern.search(reason):
            return f"未认证：{zh.format(**found.groupdict())}。请提供有效的访问令牌。"
    return "未认证：请提供有效的访问令牌。"
