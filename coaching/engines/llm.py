"""The `llm` engine: any OpenAI-compatible endpoint through the `openai` SDK's async client.

The customer's state always moves by the rules state machine (`customer.start`/`respond`);
the model only voices the line the machine chose, streamed to `emit` delta by delta. The
judge asks for a verdict per check with the rep's own words as quotes; the answer is
untrusted until `llm_output` has parsed, validated and verified it (DESIGN.md §6).

Whatever fails — timeout, 429 after the retries, an HTTP or connection error, an empty,
malformed, invalid or invented answer, the turn's deadline — the turn falls back to the rules
engine and the trace says so (`engine="rules"`, `fallback_reason`, `fallback_detail`). Reason
codes: deadline, timeout, rate_limited, http_error, connection_error, empty_answer (customer
and judge); malformed_json, schema_invalid, unknown_check, invented_quote (judge).

One deadline per turn (`turn()`: the judge and the customer's line share it) and per session
start (`turn()` before `open`), `LlmConfig.turn_deadline_seconds` long. It bounds everything
the model costs: each attempt's HTTP timeout is the smaller of `timeout_seconds` and the time
left, retries (timeouts, 408, 409, 429, 5xx, connection errors, at most `max_retries`) are
made here rather than by the SDK, and a wait — backoff or `Retry-After` — that would end past
the deadline is not waited: the call fails at once with the error's own reason. An
`asyncio.timeout` around each call is the backstop: past the deadline the call is cancelled
and fails as `deadline`. A call that starts with no time left makes no request at all.

The judge: the rules judge first, always; then the model's verdict gives the checks, and the
red lines get a second look — the rules' hits stand, the model may add a red line they missed
(with the rep's exact words, verified), recorded in the trace as `red_lines_added`. On any
failure the rules verdict stands, with the fallback reason in the trace.

Response formats, in order: strict `json_schema`; when the endpoint refuses it (a 400, or a
422 naming response_format/json_schema) the same request once more with `json_object`, and
this engine remembers to start there from then on.
"""

from __future__ import annotations

import asyncio
import copy
import os
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

import openai

from coaching.engines.base import (
    CustomerTurn,
    Emit,
    Engine,
    EngineName,
    EngineTrace,
    Judgement,
    Line,
    RulesEngine,
    pieces,
    verdict_from_json,
    verdict_to_json,
)
from coaching.engines.customer import CustomerState
from coaching.engines.llm_cache import MemoryVerdictCache, VerdictCache, cache_key
from coaching.engines.llm_calls import (
    Deadline,
    LlmConfig,
    LlmFailure,
    failure_of,
    refuses_json_schema,
    retry_wait,
    retryable,
)
from coaching.engines.llm_calls import Speech as _Speech
from coaching.engines.llm_output import (
    VERDICT_SCHEMA,
    AnswerRejected,
    verdict_of_answer,
    with_rules_red_lines,
)
from coaching.engines.llm_prompts import PROMPT_VERSION, Messages, customer_messages, judge_messages
from coaching.scenario_model import Scenario, language_of
from domain.kernel.long_waits import before_long_wait

if TYPE_CHECKING:
    from openai.types.chat.completion_create_params import ResponseFormat


PLACEHOLDER_API_KEY = "not-needed"
"""Sent when no key is configured: local servers need none, and the SDK needs one to start."""
JSON_SCHEMA_FORMAT: ResponseFormat = {
    "type": "json_schema",
    "json_schema": {"name": "turn_verdict", "strict": True, "schema": VERDICT_SCHEMA},
}
JSON_OBJECT_FORMAT: ResponseFormat = {"type": "json_object"}
_T = TypeVar("_T")


class LlmEngine(Engine):
    """The `llm` engine. One instance per configuration; it holds an HTTP connection pool
    (close it with `aclose`) and remembers whether its endpoint does only `json_object`."""

    name: EngineName = "llm"

    def __init__(
        self,
        config: LlmConfig,
        cache: VerdictCache | None = None,
        fallback: Engine | None = None,
    ) -> None:
        self.config = config
        self.cache = cache
        self.fallback = fallback if fallback is not None else RulesEngine()
        self._endpoint: dict[str, bool] = {"json_object_only": False}
        """What this endpoint was seen to do; shared with every `using` view."""
        api_key = config.api_key or None
        if api_key is None and not os.environ.get("OPENAI_API_KEY"):
            api_key = PLACEHOLDER_API_KEY
        self._client = openai.AsyncOpenAI(
            base_url=config.base_url,
            api_key=api_key,
            timeout=config.timeout_seconds,
            max_retries=0,  # retries are made here, within the turn's deadline
        )
        self._deadline: Deadline | None = None
        """Set on a `turn()` view: the budget its judge and customer calls share."""

    @property
    def json_object_only(self) -> bool:
        """Set once the endpoint refused `json_schema`; later judgements start at json_object."""
        return self._endpoint["json_object_only"]

    @json_object_only.setter
    def json_object_only(self, value: bool) -> None:
        self._endpoint["json_object_only"] = value

    def using(self, cache: VerdictCache | None) -> LlmEngine:
        """This engine — the same connection pool, the same memory of the endpoint — with
        another verdict cache (e.g. one bound to a request's database session)."""
        view = copy.copy(self)
        view.cache = cache
        return view

    def turn(self) -> LlmEngine:
        """This engine bound to a fresh deadline of `turn_deadline_seconds`, for one turn (the
        judge, then the customer's line) or one session start. Without it each call has its
        own deadline."""
        view = copy.copy(self)
        view._deadline = Deadline.after(self.config.turn_deadline_seconds)
        return view

    async def aclose(self) -> None:
        await self._client.close()

    def _budget(self) -> Deadline:
        return self._deadline or Deadline.after(self.config.turn_deadline_seconds)

    async def _call(
        self,
        deadline: Deadline,
        attempt: Callable[[openai.AsyncOpenAI], Awaitable[_T]],
        may_retry: Callable[[], bool] = lambda: True,
    ) -> _T:
        """`attempt` (one request) with retries, all within `deadline`. Raises the last
        attempt's `openai` error, or `LlmFailure` when the deadline passed or a wait would end
        past it. `may_retry` says whether a failed attempt may be repeated (not once part of
        a streamed line was emitted)."""
        left = deadline.remaining()
        if left <= 0:
            raise LlmFailure(
                "deadline", f"{deadline.seconds:g} s deadline already passed: no request"
            )
        before_long_wait()  # the server lets other requests run while the model answers
        try:
            async with asyncio.timeout(left):
                return await self._attempts(deadline, attempt, may_retry)
        except TimeoutError:
            raise LlmFailure(
                "deadline", f"no answer within the {deadline.seconds:g} s deadline"
            ) from None

    async def _attempts(
        self,
        deadline: Deadline,
        attempt: Callable[[openai.AsyncOpenAI], Awaitable[_T]],
        may_retry: Callable[[], bool],
    ) -> _T:
        retries = 0
        while True:
            timeout = max(0.01, min(self.config.timeout_seconds, deadline.remaining()))
            try:
                return await attempt(self._client.with_options(timeout=timeout))
            except openai.OpenAIError as error:
                if retries >= self.config.max_retries or not retryable(error) or not may_retry():
                    raise
                wait, left = retry_wait(error, retries), deadline.remaining()
                if wait >= left:
                    failure = failure_of(error)
                    raise LlmFailure(
                        failure.reason,
                        f"a retry in {wait:g} s would end past the {deadline.seconds:g} s "
                        f"deadline ({max(left, 0):.1f} s left); {failure.detail}",
                    ) from error
                await asyncio.sleep(wait)
                retries += 1

    # --- the customer (its state moves by the state machine: see Engine.open, Engine.reply) ---

    async def _voice(
        self,
        scenario: Scenario,
        state: CustomerState,
        gist: str,
        transcript: Sequence[Line],
        language: str,
        emit: Emit,
    ) -> CustomerTurn:
        """The model's wording of `gist` (the rules line), streamed to `emit`.

        On failure the rules line is returned, and emitted too if nothing was yet. If the stream
        broke midway, `emit` has already received part of the model's line: the returned line
        (the rules line) is the authoritative one, to store and to show in place of the pieces.
        """
        messages = customer_messages(scenario, state, gist, transcript, language_of(language))
        speech = _Speech(emit)
        try:
            model, fingerprint = await self._stream(messages, speech, self._budget())
            if not speech.line:
                raise LlmFailure("empty_answer", "the model's line was empty")
        except LlmFailure as failure:
            if not speech.started:
                for piece in pieces(gist):
                    await emit(piece)
            return CustomerTurn(state, gist, self._fallback_trace(failure))
        trace = EngineTrace(
            engine="llm",
            model=model,
            system_fingerprint=fingerprint,
            prompt_version=PROMPT_VERSION,
        )
        return CustomerTurn(state, speech.line, trace)

    async def _stream(
        self, messages: Messages, speech: _Speech, deadline: Deadline
    ) -> tuple[str, str | None]:
        async def attempt(client: openai.AsyncOpenAI) -> tuple[str, str | None]:
            model, fingerprint = self.config.model, None
            stream = await client.chat.completions.create(
                model=self.config.model,
                messages=messages,
                max_tokens=self.config.max_tokens,
                stream=True,
            )
            async with stream:
                async for chunk in stream:
                    model = chunk.model or model
                    fingerprint = chunk.system_fingerprint or fingerprint
                    delta = chunk.choices[0].delta.content if chunk.choices else None
                    if delta:
                        await speech.add(delta)
            return model, fingerprint

        try:
            return await self._call(deadline, attempt, lambda: not speech.started)
        except openai.OpenAIError as error:
            raise failure_of(error) from error

    # --- the judge ------------------------------------------------------------------------------

    async def judge(
        self, scenario: Scenario, message: str, language: str, transcript: Sequence[Line]
    ) -> Judgement:
        """The rules judge first, then the model's verdict, verified: its checks, and the rules'
        red-line hits plus any the model adds (`with_rules_red_lines`). On any failure the
        rules verdict stands, and the trace says why. The model sees the rubric and the
        message only (not `transcript`), so the cache key covers its prompt."""
        language = language_of(language)
        ruled = await self.fallback.judge(scenario, message, language, transcript)
        key = cache_key(scenario, message, language, self.config.model)
        judgement = await self._cached(key)
        if judgement is None:
            try:
                judgement = await self._judge_by_model(scenario, message, language)
            except LlmFailure as failure:
                return Judgement(ruled.verdict, self._fallback_trace(failure))
            if self.cache is not None:
                await self.cache.put(key, _cache_value(judgement))
        verdict, added = with_rules_red_lines(ruled.verdict, judgement.verdict)
        return Judgement(verdict, replace(judgement.trace, red_lines_added=added))

    async def _judge_by_model(self, scenario: Scenario, message: str, language: str) -> Judgement:
        messages = judge_messages(scenario, message, language)
        completion, response_format = await self._complete_json(messages, self._budget())
        choice = completion.choices[0] if completion.choices else None
        content = choice.message.content if choice else None
        if not content or not content.strip():
            finish = choice.finish_reason if choice else "no choices"
            raise LlmFailure("empty_answer", f"{response_format}: no content ({finish})")
        try:
            verdict = verdict_of_answer(scenario, message, language, content)
        except AnswerRejected as rejected:
            raise LlmFailure(rejected.reason, f"{response_format}: {rejected.detail}") from None
        trace = EngineTrace(
            engine="llm",
            model=completion.model or self.config.model,
            system_fingerprint=completion.system_fingerprint,
            prompt_version=PROMPT_VERSION,
            response_format=response_format,
        )
        return Judgement(verdict, trace)

    async def _complete_json(self, messages: Messages, deadline: Deadline) -> tuple[Any, str]:
        """The completion and the response format that produced it (degrading once)."""
        if not self.json_object_only:
            try:
                return await self._complete(messages, JSON_SCHEMA_FORMAT, deadline), "json_schema"
            except openai.APIStatusError as error:
                if not refuses_json_schema(error):
                    raise failure_of(error) from error
            except openai.OpenAIError as error:
                raise failure_of(error) from error
        try:
            completion = await self._complete(messages, JSON_OBJECT_FORMAT, deadline)
        except openai.OpenAIError as error:
            raise failure_of(error) from error
        self.json_object_only = True  # only once json_object has really been answered
        return completion, "json_object"

    async def _complete(
        self, messages: Messages, response_format: ResponseFormat, deadline: Deadline
    ) -> Any:
        return await self._call(
            deadline,
            lambda client: client.chat.completions.create(
                model=self.config.model,
                messages=messages,
                max_tokens=self.config.max_tokens,
                temperature=0,
                response_format=response_format,
            ),
        )

    async def _cached(self, key: str) -> Judgement | None:
        if self.cache is None:
            return None
        value = await self.cache.get(key)
        if value is None:
            return None
        try:
            verdict = verdict_from_json(value["verdict"])
            trace = EngineTrace(
                engine="llm",
                model=value["trace"]["model"],
                system_fingerprint=value["trace"]["system_fingerprint"],
                prompt_version=PROMPT_VERSION,
                response_format=value["trace"]["response_format"],
                cached=True,
            )
        except (KeyError, TypeError, ValueError):
            return None  # an unreadable entry is a miss; a fresh verdict will replace it
        return Judgement(verdict, trace)

    def _fallback_trace(self, failure: LlmFailure) -> EngineTrace:
        return EngineTrace(
            engine="rules",
            fallback_reason=failure.reason,
            fallback_detail=failure.detail,
            model=self.config.model,
            prompt_version=PROMPT_VERSION,
        )


def _cache_value(judgement: Judgement) -> dict[str, Any]:
    trace = judgement.trace
    return {
        "verdict": verdict_to_json(judgement.verdict),
        "trace": {
            "model": trace.model,
            "system_fingerprint": trace.system_fingerprint,
            "response_format": trace.response_format,
        },
    }


__all__ = [
    "JSON_OBJECT_FORMAT",
    "JSON_SCHEMA_FORMAT",
    "PLACEHOLDER_API_KEY",
    "PROMPT_VERSION",
    "Deadline",
    "LlmConfig",
    "LlmEngine",
    "LlmFailure",
    "MemoryVerdictCache",
    "VerdictCache",
    "cache_key",
    "failure_of",
    "retry_wait",
]
