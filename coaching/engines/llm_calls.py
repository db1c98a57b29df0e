"""The `llm` engine's calls to the model: its configuration, the deadline of a turn, and what
a failed call means (the reason code recorded when a turn falls back to rules) and whether
and when it is retried (see `coaching.engines.llm` for the rules)."""

from __future__ import annotations

import email.utils
import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import openai

if TYPE_CHECKING:
    from coaching.engines.base import Emit
    from domain.settings import Settings

__all__ = [
    "RETRY_DELAY_FIRST",
    "RETRY_DELAY_MAX",
    "Deadline",
    "LlmConfig",
    "LlmFailure",
    "Speech",
    "failure_of",
    "refuses_json_schema",
    "retry_wait",
    "retryable",
]

_DETAIL_LIMIT = 300
RETRY_DELAY_FIRST, RETRY_DELAY_MAX = 0.5, 8.0
"""Backoff between retries without `Retry-After`: 0.5 s, 1 s, 2 s … at most 8 s."""
_RETRIED_STATUSES = frozenset({408, 409, 429})


@dataclass(frozen=True)
class LlmConfig:
    model: str
    base_url: str | None = None
    """None: the SDK reads OPENAI_BASE_URL, else uses api.openai.com."""
    api_key: str | None = field(default=None, repr=False)
    """None: the SDK reads OPENAI_API_KEY; with neither, a placeholder is sent."""
    timeout_seconds: float = 20.0
    max_retries: int = 2
    max_tokens: int = 800
    turn_deadline_seconds: float = 15.0
    """Everything one turn (judge and customer) or one session start may wait for the model."""

    @classmethod
    def of(cls, settings: Settings) -> LlmConfig | None:
        """The engine's configuration, or None when `llm_model` is unset (engine off)."""
        if not settings.llm_model:
            return None
        return cls(
            model=settings.llm_model,
            base_url=settings.llm_base_url or None,
            api_key=settings.llm_api_key or None,
            timeout_seconds=settings.llm_timeout_seconds,
            max_retries=settings.llm_max_retries,
            max_tokens=settings.llm_max_tokens,
            turn_deadline_seconds=settings.llm_turn_deadline_seconds,
        )


@dataclass(frozen=True)
class Deadline:
    """The end of one turn's (or session start's) budget, on the monotonic clock."""

    seconds: float
    ends: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(seconds, time.monotonic() + seconds)

    def remaining(self) -> float:
        return self.ends - time.monotonic()


class LlmFailure(Exception):
    """Why the model's output was not used; becomes the trace of the rules fallback."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail[:_DETAIL_LIMIT]


def failure_of(error: openai.OpenAIError) -> LlmFailure:
    """The reason code of an SDK error (raised after the SDK's own retries)."""
    if isinstance(error, openai.APITimeoutError):
        return LlmFailure("timeout", str(error))
    if isinstance(error, openai.RateLimitError):
        return LlmFailure("rate_limited", str(error))
    if isinstance(error, openai.APIConnectionError):
        return LlmFailure("connection_error", str(error))
    if isinstance(error, openai.APIStatusError):
        return LlmFailure("http_error", f"HTTP {error.status_code}: {error.message}")
    return LlmFailure("http_error", f"{type(error).__name__}: {error}")


def retryable(error: openai.OpenAIError) -> bool:
    """What the SDK would retry: timeouts, connection errors, 408, 409, 429 and 5xx, unless
    the server says `x-should-retry: false` (or `true` for any other status)."""
    if isinstance(error, openai.APIConnectionError):  # APITimeoutError included
        return True
    if not isinstance(error, openai.APIStatusError):
        return False
    said = error.response.headers.get("x-should-retry")
    if said in ("true", "false"):
        return said == "true"
    return error.status_code in _RETRIED_STATUSES or error.status_code >= 500


def retry_wait(error: openai.OpenAIError, retries: int) -> float:
    """Seconds to wait before the next attempt: the server's `retry-after-ms` or
    `Retry-After` (seconds or an HTTP date) when it gives one, else the backoff."""
    if isinstance(error, openai.APIStatusError):
        headers = error.response.headers
        for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
            value = headers.get(name)
            if value is None:
                continue
            try:
                seconds = float(value) * scale
            except ValueError:
                try:
                    seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
                except (TypeError, ValueError):
                    continue
            if math.isfinite(seconds):
                return max(0.0, seconds)
    return min(RETRY_DELAY_FIRST * 2**retries, RETRY_DELAY_MAX)


def refuses_json_schema(error: openai.APIStatusError) -> bool:
    # Endpoints word this refusal in many ways; any 400 to the first, strict request counts.
    if isinstance(error, openai.BadRequestError):
        return True
    said = f"{error.message} {error.body}".lower()
    return error.status_code == 422 and ("response_format" in said or "json_schema" in said)


class Speech:
    """The customer's line as it streams. Deltas reach `emit` without the line's leading and
    trailing whitespace, so the pieces emitted always join to `line`."""

    def __init__(self, emit: Emit) -> None:
        self._emit = emit
        self._raw = ""
        self.line = ""

    @property
    def started(self) -> bool:
        return bool(self.line)

    async def add(self, delta: str) -> None:
        self._raw += delta
        line = self._raw.strip()
        if len(line) > len(self.line):
            fresh, self.line = line[len(self.line) :], line
            await self._emit(fresh)
