"""Around every HTTP request and websocket: a request id (echoed as X-Request-ID, logged),
a database session closed when the response is done, a body size limit, and a coded JSON
error instead of a bare 500 when something unexpected escapes."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.admission import Admission, Overloaded
from api.core.context import language_of

log = logging.getLogger("pacer.api")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


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


UNGATED_PATHS = ("/healthz", "/readyz")  # probes answer even when the worker is full


class RequestScope:
    def __init__(self, app: ASGIApp, max_body_bytes: int, admission: Admission | None = None):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.admission = admission

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

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        gated = (
            self.admission is not None
            and scope["type"] == "http"
            and scope["path"] not in UNGATED_PATHS
        )
        try:
            if scope["type"] == "http":
                receive = await self._bounded(headers, receive)
            async with self.admission.turn() if gated else contextlib.nullcontext():
                sessions = scope["app"].state.sessions
                async with sessions() as session:
                    state["session"] = session
                    await self.app(scope, receive, send_with_id)
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
        log.info(
            "%s %s %s %.1fms request_id=%s",
            scope.get("method", "WS"),
            scope["path"],
            status["code"],
            (time.perf_counter() - started) * 1000,
            request_id,
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
