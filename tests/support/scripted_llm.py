"""A scripted OpenAI-compatible server for tests: real HTTP on 127.0.0.1, a real `openai` client.

    with scripted_llm() as server:
        server.script(completion('{"checks": [], "red_lines": []}'), error(429))
        engine = LlmEngine(LlmConfig(model="m", base_url=server.base_url, max_retries=0))
        ...
        assert len(server.requests) == 1

Every POST to …/chat/completions is recorded (`server.requests`: the JSON bodies, in order;
`server.headers`: their headers)
and answered by the next scripted `Reply`: a status, a JSON body, headers, an optional delay
(cut short when the client hangs up), or an SSE stream of chunks for `stream=True` requests.
With nothing left in the script the server answers 500 with `x-should-retry: false`, so a
test that makes one request too many fails loudly instead of hanging in retries.
Use the context manager in any test, sync or async (or the `llm_server` fixture of
tests/integration/practice/conftest.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from coaching.scenario_model import Scenario

MODEL = "scripted-model"
FINGERPRINT = "fp_scripted"


@dataclass(frozen=True)
class Reply:
    """One scripted answer. `stream` items are chunk dicts (sent as `data: {json}`) or raw SSE
    text (sent as is, e.g. an `event: error` block); `[DONE]` follows them."""

    status: int = 200
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    stream: Sequence[dict[str, Any] | str] | None = None
    chunk_delay: float = 0.0


def completion(
    content: str | None, model: str = MODEL, fingerprint: str | None = FINGERPRINT
) -> Reply:
    """A 200 chat completion whose message is `content`."""
    return Reply(
        body={
            "id": "chatcmpl-scripted",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": model,
            "system_fingerprint": fingerprint,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }
    )


def chunk(
    content: str | None, model: str = MODEL, fingerprint: str | None = FINGERPRINT
) -> dict[str, Any]:
    finish = None if content is not None else "stop"
    delta = {"content": content} if content is not None else {}
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": model,
        "system_fingerprint": fingerprint,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def streamed(
    *deltas: str, model: str = MODEL, fingerprint: str | None = FINGERPRINT, end: bool = True
) -> Reply:
    """A 200 SSE stream of one chunk per delta, then (with `end`) a finishing chunk."""
    chunks: list[dict[str, Any] | str] = [chunk(d, model, fingerprint) for d in deltas]
    if end:
        chunks.append(chunk(None, model, fingerprint))
    return Reply(stream=chunks)


def stream_error(message: str = "the stream broke") -> str:
    """An SSE error event, to put in a `Reply.stream` after some chunks."""
    return f"event: error\ndata: {json.dumps({'error': {'message': message}})}\n\n"


def error(
    status: int, message: str = "scripted error", headers: Mapping[str, str] | None = None
) -> Reply:
    """An OpenAI-style error answer."""
    body = {"error": {"message": message, "type": "invalid_request_error", "code": None}}
    return Reply(status=status, body=body, headers=dict(headers or {}))


def judge_answer(
    scenario: Scenario,
    message: str,
    passed: Mapping[str, str | None] | None = None,
    red_lines: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A well-formed judge answer: every check of `scenario`, in order, failed except those in
    `passed` (check id → quote; None quotes the whole message). Quotes must be in `message`
    (outer whitespace aside: the engine forgives it)."""
    passed = dict(passed or {})
    checks = []
    for criterion in scenario.criteria:
        for check in criterion.checks:
            quoted = check.id in passed
            quote = (passed[check.id] or message.strip()) if quoted else None
            assert quote is None or quote.strip() in message, f"{quote!r} is not in the message"
            checks.append({"id": check.id, "passed": quoted, "quote": quote})
    unknown = set(passed) - {c["id"] for c in checks}
    assert not unknown, f"not checks of {scenario.id}: {sorted(unknown)}"
    return {
        "checks": checks,
        "red_lines": [{"id": key, "quote": quote} for key, quote in (red_lines or {}).items()],
    }


def judge_reply(scenario: Scenario, message: str, **kwargs: Any) -> Reply:
    """`judge_answer` as a 200 completion."""
    answer = judge_answer(scenario, message, **kwargs)
    return completion(json.dumps(answer, ensure_ascii=False))


class ScriptedLlm:
    """The server's state, shared between the test and the server thread."""

    def __init__(self) -> None:
        self.base_url = ""
        self.requests: list[dict[str, Any]] = []
        """The JSON body of every chat completion request, in order."""
        self.headers: list[dict[str, str]] = []
        """The headers of those requests, in the same order."""
        self._script: deque[Reply] = deque()
        self._lock = threading.Lock()

    def script(self, *replies: Reply) -> ScriptedLlm:
        """Queue answers, used one per request in order."""
        with self._lock:
            self._script.extend(replies)
        return self

    @property
    def pending(self) -> int:
        """Scripted answers not used yet."""
        with self._lock:
            return len(self._script)

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self.requests.clear()
            self.headers.clear()

    async def _chat_completions(self, request: Request) -> Response:
        body = await request.json()
        with self._lock:
            self.requests.append(body)
            self.headers.append(dict(request.headers))
            reply = self._script.popleft() if self._script else None
        if reply is None:
            return JSONResponse(
                {"error": {"message": "scripted_llm: no scripted reply left", "type": "test"}},
                status_code=500,
                headers={"x-should-retry": "false"},
            )
        if reply.delay and await _hung_up_within(request, reply.delay):
            return Response(status_code=499)
        if reply.stream is None:
            return JSONResponse(reply.body, status_code=reply.status, headers=dict(reply.headers))
        return StreamingResponse(
            _sse(reply),
            status_code=reply.status,
            headers=dict(reply.headers),
            media_type="text/event-stream",
        )


async def _hung_up_within(request: Request, seconds: float) -> bool:
    """Waits `seconds`, or less when the client disconnects (then True)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await request.is_disconnected():
            return True
        await asyncio.sleep(0.01)
    return False


async def _sse(reply: Reply):
    for item in reply.stream or ():
        if reply.chunk_delay:
            await asyncio.sleep(reply.chunk_delay)
        yield item if isinstance(item, str) else f"data: {json.dumps(item, ensure_ascii=False)}\n\n"
    yield "data: [DONE]\n\n"


@contextlib.contextmanager
def scripted_llm() -> Iterator[ScriptedLlm]:
    """A scripted server on a free port of 127.0.0.1 for the duration of the block."""
    state = ScriptedLlm()
    app = Starlette(
        routes=[
            Route("/v1/chat/completions", state._chat_completions, methods=["POST"]),
            Route("/chat/completions", state._chat_completions, methods=["POST"]),
        ]
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="scripted-llm", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the scripted LLM server did not start")
        time.sleep(0.005)
    state.base_url = f"http://127.0.0.1:{port}/v1"
    try:
        yield state
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


__all__ = [
    "FINGERPRINT",
    "MODEL",
    "Reply",
    "ScriptedLlm",
    "chunk",
    "completion",
    "error",
    "judge_answer",
    "judge_reply",
    "scripted_llm",
    "stream_error",
    "streamed",
]
