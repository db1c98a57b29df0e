"""What browsers and HTTP caches see around /graphql: CORS, gzip and ETags.

- **CORS** (Starlette's CORSMiddleware, outermost, only when `PACER_CORS_ORIGINS` names
  origins): a preflight is answered there, before the request scope, so it never waits for
  an admission turn, never gets a database session and is never counted. No credentials
  (Pacer authenticates with a bearer token, not cookies); preflights cached 10 minutes.
- **gzip** (Starlette's GZipMiddleware) for answers of 1 KB or more when the client accepts it.
- **ETag** on GET queries, see `with_entity_tag`.
"""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.settings import Settings

CORS_METHODS = ("GET", "POST", "OPTIONS")
# What Pacer reads from a request (Starlette always adds the CORS-safelisted Accept,
# Accept-Language, Content-Language and Content-Type); If-None-Match for revalidating by hand.
CORS_ALLOWED_HEADERS = (
    "Authorization",
    "Content-Type",
    "Accept-Language",
    "X-Request-ID",
    "If-None-Match",
)
CORS_EXPOSED_HEADERS = ("X-Request-ID", "ETag", "Retry-After")
CORS_MAX_AGE = 600  # seconds a browser may reuse a preflight's answer
GZIP_MINIMUM_BYTES = 1024
# Level 1, as nginx's default: a 26 KB page of opportunities compresses to 1,478 bytes in
# 0.15 ms, against 1,405 bytes in 0.77 ms at Starlette's default level 9.
GZIP_LEVEL = 1
GZIP_SUFFIX = "-gzip"
CACHE_CONTROL = "private, no-cache"  # one user's answer; revalidate with If-None-Match
OUTCOME = "graphql_outcome"  # in the request scope's state: "data" or "errors"


def edge_middleware(settings: Settings) -> list[Middleware]:
    """The middleware in front of the request scope, outermost first."""
    middleware = []
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=CORS_METHODS,
                allow_headers=CORS_ALLOWED_HEADERS,
                allow_credentials=False,
                expose_headers=CORS_EXPOSED_HEADERS,
                max_age=CORS_MAX_AGE,
            )
        )
    middleware.append(Middleware(Compression, minimum_size=GZIP_MINIMUM_BYTES))
    return middleware


class Compression:
    """Starlette's GZipMiddleware; a strong ETag on an answer it compressed gets a `-gzip`
    suffix inside the quotes, since those bytes differ from the uncompressed answer's
    (RFC 9110 §8.8.3: a strong tag names one representation). On the way in the suffix is
    taken off `If-None-Match`, so whatever is behind (the GraphQL view, GraphiQL's static
    files) compares its own tags, and a 304 answering a suffixed tag names it suffixed again
    (as Apache's mod_deflate does)."""

    def __init__(self, app: ASGIApp, minimum_size: int = GZIP_MINIMUM_BYTES) -> None:
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size, compresslevel=GZIP_LEVEL)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.gzip.app(scope, receive, send)
            return
        asked = Headers(scope=scope).get("if-none-match", "")
        if GZIP_SUFFIX in asked:
            unsuffixed = asked.replace(f'{GZIP_SUFFIX}"', '"').encode("latin-1")
            scope = dict(scope)
            scope["headers"] = [
                (name, unsuffixed if name == b"if-none-match" else value)
                for name, value in scope["headers"]
            ]

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                tag = headers.get("etag")
                if tag and tag.startswith('"'):
                    suffixed = f'{tag[:-1]}{GZIP_SUFFIX}"'
                    compressed = headers.get("content-encoding") == "gzip"
                    if compressed or (message["status"] == 304 and suffixed in asked):
                        headers["etag"] = suffixed
            await send(message)

        await self.gzip(scope, receive, tagged)


def note_outcome(request: Request, has_errors: bool) -> None:
    """Remembers whether the request's GraphQL result carried errors (for `with_entity_tag`)."""
    state = request.scope.setdefault("state", {})
    if has_errors or state.get(OUTCOME) != "errors":
        state[OUTCOME] = "errors" if has_errors else "data"


def entity_tag(body: bytes) -> str:
    """A strong ETag over the exact bytes of the body: 128 bits of its SHA-256."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether `If-None-Match` holds `tag` or is `*` (weak comparison, as RFC 9110 §13.1.2
    asks for this header)."""
    for entry in (if_none_match or "").split(","):
        candidate = entry.strip()
        if candidate == "*" or candidate.removeprefix("W/") == tag:
            return True
    return False


def with_entity_tag(request: Request, response: Response) -> Response:
    """An ETag on the answer to a GET query, and 304 with no body when `If-None-Match` holds it.

    Only GET: POST is how mutations (and queries that should not be cached) travel, and HTTP
    caches never reuse POST answers. Only a 200 whose result carries no error: errors may be
    passing (a token that just expired, an overloaded database, a masked failure naming
    this request's id), so they are never made revalidatable. The tag covers the exact JSON
    bytes, which already differ with the caller and the language; `Cache-Control: private,
    no-cache` keeps shared caches out and makes the browser revalidate every time."""
    state = request.scope.get("state", {})
    body = getattr(response, "body", None)
    if (
        request.method != "GET"
        or response.status_code != 200
        or state.get(OUTCOME) != "data"
        or not isinstance(body, bytes)
    ):
        return response
    tag = entity_tag(body)
    response.headers["etag"] = tag
    response.headers["cache-control"] = CACHE_CONTROL
    if not matches(request.headers.get("if-none-match"), tag):
        return response
    return Response(status_code=304, headers={"etag": tag, "cache-control": CACHE_CONTROL})
