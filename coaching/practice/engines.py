"""Which engine a session runs on, and the `llm` verdict cache kept in the database."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from coaching.engines.base import ENGINES, Engine, RulesEngine
from coaching.practice.errors import PracticeError
from coaching.practice.models import LlmVerdictCacheEntry
from domain.errors import InvalidInput
from domain.settings import Settings

if TYPE_CHECKING:
    from coaching.engines.llm import LlmEngine


class StoredVerdictCache:
    """Verdicts of the language model, shared by every worker and kept across restarts.
    Writes go in a savepoint: two workers caching the same key at once both succeed."""

    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, key: str) -> dict[str, Any] | None:
        entry = await self.session.get(LlmVerdictCacheEntry, key)
        return None if entry is None else dict(entry.value)

    async def put(self, key: str, value: dict[str, Any]) -> None:
        if await self.session.get(LlmVerdictCacheEntry, key) is not None:
            return
        try:
            async with self.session.begin_nested():
                self.session.add(LlmVerdictCacheEntry(key=key, value=value))
        except IntegrityError:
            pass


def available_engines(settings: Settings) -> tuple[str, ...]:
    return ENGINES if settings.llm_model else ("rules",)


def check_engine(name: str, settings: Settings) -> str:
    if name not in ENGINES:
        raise InvalidInput(
            PracticeError.UNKNOWN_ENGINE,
            f"未知引擎 {name!r}（可选：rules、llm）",
            f"Unknown engine {name!r} (choose rules or llm)",
            "engine",
        )
    if name not in available_engines(settings):
        raise _not_configured()
    return name


def _not_configured() -> InvalidInput:
    return InvalidInput(
        PracticeError.ENGINE_NOT_CONFIGURED,
        "未配置大模型引擎（PACER_LLM_MODEL），请使用 rules 引擎",
        "The llm engine is not configured (PACER_LLM_MODEL); use the rules engine",
        "engine",
    )


class Voices:
    """The engines of one process: `rules`, and one `llm` engine (one connection pool, one
    memory of what its endpoint accepts) created on first use. Close it at shutdown."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._llm: LlmEngine | None = None
        if settings.llm_model:
            # The SDK takes a second or two to import: pay it at startup, not inside the
            # first session's deadline.
            import coaching.engines.llm  # noqa: F401

    def engine(self, name: str, session: AsyncSession) -> Engine:
        """The engine of a session; `llm` caches its verdicts in this database session."""
        check_engine(name, self.settings)
        if name == "rules":
            return RulesEngine()
        if self._llm is None:
            from coaching.engines.llm import LlmConfig, LlmEngine

            config = LlmConfig.of(self.settings)
            if config is None:
                raise _not_configured()
            self._llm = LlmEngine(config)
        return self._llm.using(StoredVerdictCache(session))

    async def aclose(self) -> None:
        if self._llm is not None:
            await self._llm.aclose()
            self._llm = None
