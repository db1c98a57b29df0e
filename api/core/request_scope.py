"""Around every HTTP request and websocket: a request id (echoed as X-Request-ID, logged),
a database session closed when the response is done, a body size limit, and a coded JSON
error instead of a bare 500 when something unexpected escapes. When it is done, one log
line (api/core/logs.py) and, for `/graphql`, the request's metrics (api/core/metrics.py):
operation name, user, outcome, duration and the SQL statements it ran."""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Iterable
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError, Lexer, Source, TokenKind
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core import logs
from api.core.admission import Admission, Overloaded
from api.core.context import language_of
from api.core.metrics import (
    ANONYMOUS,
    GRAPHQL_NAME,
    OPERATION_NAME_CHARACTERS,
    Metrics,
    outcome_of,
)

log = logging.getLogger("pacer.api")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
GRAPHQL_PATH = "/graphql"
OPERATION = "operation_name"  # in the request scope's state: the name, "" when unnamed
ERRORS = "graphql_errors"  # in the request scope's state: "errors", or "internal"
CONTEXT = "graphql_context"  # in the request scope's state: the GraphQL context (its caller)
# Before the first definition, ignored tokens (white space, commas, comments); then either
# `{` (an unnamed query) or an operation keyword and maybe its name.
FIRST_OPERATION = re.compile(
    r"(?:[\s,\ufeff]|#[^\n\r]*+)*+(?:(\{)|(query|mutation|subscription)\b"
    r"(?:[\s,\ufeff]|#[^\n\r]*+)*+([_A-Za-z][_0-9A-Za-z]*)?)"
)


def error_body(code: str, zh: str, en: str, language: str, **extensions: object) -> bytes:
    """A GraphQL-shaped error document, in the request's language."""
    message = en if language == "en" else zh
    error = {"message": message, "extensions": {"code": code, **extensions}}
    return json.dumps({"data": None, "errors": [error]}, ensure_ascii=False).encode()


async def send_error(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    pass


# Probes and metrics answer even when the worker is full, and need no session.
UNGATED_PATHS = ("/healthz", "/readyz", "/metrics")


class StatementCount:
    """SQL statements run on behalf of one request (see `count_statements`)."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0


STATEMENTS: contextvars.ContextVar[StatementCount | None] = contextvars.ContextVar(
    "pacer_statements", default=None
)


def _count_statement(*_args: object) -> None:
    counter = STATEMENTS.get()
    if counter is not None:
        counter.count += 1


def count_statements(engine: AsyncEngine) -> None:
    """Counts every statement the engine runs into the current request's `StatementCount`.
    The request scope sets it in a context variable, which the request's tasks (DataLoaders)
    copy and SQLAlchemy's greenlets share; work outside a request (the notification loop)
    sees none and is not counted."""
    if not event.contains(engine.sync_engine, "before_cursor_execute", _count_statement):
        event.listen(engine.sync_engine, "before_cursor_execute", _count_statement)


def note_operation(scope: Scope, operation_name: str | None, document: str | None) -> None:
    """Remembers the operation a GraphQL request runs: `operationName`, else the name of the
    document's first operation ("" when it has none)."""
    state = scope.setdefault("state", {})
    state[OPERATION] = operation_name if operation_name else first_operation_name(document)


def note_errors(scope: Scope, errors: Iterable[GraphQLError | dict[str, Any]] | None) -> None:
    """Remembers whether a GraphQL answer carried errors, and whether one was unexpected."""
    codes = [
        (error.get("extensions") if isinstance(error, dict) else error.extensions) or {}
        for error in errors or ()
    ]
    if codes:
        internal = any(code.get("code") == "INTERNAL_SERVER_ERROR" for code in codes)
        scope.setdefault("state", {})[ERRORS] = "internal" if internal else "errors"


def note_context(scope: Scope, context: object) -> None:
    """Remembers the GraphQL context, so the log line can name the caller once known."""
    scope.setdefault("state", {})[CONTEXT] = context


def release_context(scope: Scope) -> None:
    """Once the request is over: the context forgets its loaders and leaves the scope, which
    it refers back to. Without these cycles, the request's objects (the rows it loaded, its
    session) are freed at once by reference counting instead of waiting for a pass of the
    cyclic collector, which stalls every request of the worker while it runs."""
    context = scope.get("state", {}).pop(CONTEXT, None)
    close = getattr(context, "close", None)
    if close is not None:
        close()


def first_operation_name(document: str | None) -> str | None:
    """The name of the first operation in the document, "" when it is unnamed, None when
    there is no document. A regular expression reads the usual start (comments, then `{` or
    `query Name`); a document opening with fragments is read token by token."""
    if not document:
        return None
    match = FIRST_OPERATION.match(document)
    if match:
        return match.group(3) or ""
    try:
        return _first_operation_by_tokens(document)
    except GraphQLSyntaxError:
        return ""


def _first_operation_by_tokens(document: str) -> str:
    lexer = Lexer(Source(document))
    depth, after_keyword, in_fragment = 0, False, False
    while (token := lexer.advance()).kind != TokenKind.EOF:
        if after_keyword:
            return (token.value or "") if token.kind == TokenKind.NAME else ""
        if token.kind == TokenKind.BRACE_L:
            if depth == 0 and not in_fragment:
                return ""  # an unnamed query
            depth += 1
        elif token.kind == TokenKind.BRACE_R:
            depth -= 1
            in_fragment = in_fragment and depth > 0
        elif depth == 0 and token.kind == TokenKind.NAME:
            if token.value == "fragment":
                in_fragment = True
            elif not in_fragment and token.value in ("query", "mutation", "subscription"):
                after_keyword = True
    return ""


def safe_name(name: str | None) -> str | None:
    """An operation name fit for a log line: a GraphQL name, cut to 64 characters; any other
    text a client sent as `operationName` becomes "(invalid)"."""
    if name is None or name == "":
        return name
    if not GRAPHQL_NAME.fullmatch(name):
        return "(invalid)"
    return name[:OPERATION_NAME_CHARACTERS]


def caller_of(state: dict[str, Any]) -> tuple[str | None, int | None]:
    """The authenticated caller's login and user id, if the request authenticated one."""
    context = state.get(CONTEXT)
    actor = getattr(context, "_actor", None)  # set by Context.actor() once it has run
    if actor is None:
        return None, None
    return (actor.login or None), actor.user_id


class RequestScope:
    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int,
        admission: Admission | None = None,
        metrics: Metrics | None = None,
    ):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.admission = admission
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex[:16]
        language = language_of(headers.get(b"accept-language", b"").decode("latin-1"))
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = {"code": 0}
        statements = StatementCount()
        counting = STATEMENTS.set(statements)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            elif message["type"] == "websocket.accept":
                status["code"] = 101
            elif message["type"] == "websocket.close" and not status["code"]:
                status["code"] = 403  # refused before the handshake (uvicorn answers 403)
            await send(message)

        ungated = scope["path"] in UNGATED_PATHS and scope["type"] == "http"
        gated = self.admission is not None and scope["type"] == "http" and not ungated
        try:
            await self._serve(scope, receive, send_with_id, headers, gated, ungated)
        except Overloaded:
            await send_error(
                send_with_id,
                503,
                error_body(
                    "OVERLOADED",
                    "服务器繁忙，请稍后重试。",
                    "The server is busy: retry in a moment.",
                    language,
                ),
                [(b"retry-after", b"1")],
            )
        except BodyTooLarge:
            await send_error(
                send_with_id,
                413,
                error_body(
                    "REQUEST_TOO_LARGE",
                    f"请求体超过 {self.max_body_bytes} 字节的上限。",
                    f"The request body is over the limit of {self.max_body_bytes} bytes.",
                    language,
                ),
            )
        except Exception:
            log.exception("unexpected error in request %s", request_id)
            if scope["type"] != "http" or status["code"]:
                raise
            await send_error(
                send_with_id,
                500,
                error_body(
                    "INTERNAL_SERVER_ERROR",
                    f"服务器内部错误（请求编号 {request_id}）。",
                    f"Unexpected error (request id {request_id}).",
                    language,
                    requestId=request_id,
                ),
            )
        finally:
            STATEMENTS.reset(counting)
            try:
                self._done(scope, status["code"], time.perf_counter() - started, statements.count)
            except Exception:  # never let the bookkeeping fail the request
                log.exception("request %s: its log line or metrics failed", request_id)
            release_context(scope)

    async def _serve(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        headers: dict[bytes, bytes],
        gated: bool,
        ungated: bool,
    ) -> None:
        if scope["type"] == "http":
            receive = await self._bounded(headers, receive)
        async with self.admission.turn() if gated and self.admission else contextlib.nullcontext():
            if ungated:  # probes and /metrics use the engine, if anything, not a session
                await self.app(scope, receive, send)
                return
            async with scope["app"].state.sessions() as session:
                scope["state"]["session"] = session
                await self.app(scope, receive, send)

    def _done(self, scope: Scope, status: int, seconds: float, statements: int) -> None:
        """The request's log line and, for /graphql over HTTP, its metrics."""
        state = scope["state"]
        operation = safe_name(state.get(OPERATION))
        outcome = outcome_of(status, state.get(ERRORS))
        login, user_id = caller_of(state)
        graphql = scope["type"] == "http" and scope["path"] == GRAPHQL_PATH
        if graphql and self.metrics is not None:
            self.metrics.observe(operation, outcome, seconds, statements)
        if operation == "":
            operation = ANONYMOUS
        logs.request_line(
            log,
            {
                "request_id": state["request_id"],
                "method": scope.get("method", "WS"),
                "path": scope["path"],
                "status": status,
                "outcome": outcome,
                "operation": operation,
                "user": login or (str(user_id) if user_id is not None else None),
                "user_id": user_id,
                "duration_ms": round(seconds * 1000, 2),
                "statements": statements,
            },
        )

    async def _bounded(self, headers: dict[bytes, bytes], receive: Receive) -> Receive:
        """`receive` as it was when the declared length is within the limit (the server holds
        the body to it); otherwise the body read here, up to the limit, and replayed."""
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > self.max_body_bytes:
                raise BodyTooLarge
            return receive
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return _replay([message], receive)
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_body_bytes:
                raise BodyTooLarge
            more = message.get("more_body", False)
        body = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        return _replay([body], receive)


def _replay(messages: list[Message], then: Receive) -> Receive:
    pending = list(messages)

    async def receive() -> Message:
        return pending.pop(0) if pending else await then()

    return receive
