"""The ASGI application: /graphql, /healthz, /readyz, a request id on every response."""

from __future__ import annotations

import contextlib
import json
import logging
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http.async_base_view import HTTPException  # the class strawberry raises
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from api.core import graphiql
from api.core import metrics as prometheus
from api.core.admission import Admission
from api.core.auth import Authenticator
from api.core.collector import long_lived_heap
from api.core.context import Context, language_of
from api.core.live import live_updates
from api.core.loaders import Loaders
from api.core.persisted import PersistedQueries
from api.core.request_scope import (
    RequestScope,
    count_statements,
    error_body,
    note_context,
    note_errors,
    note_operation,
)
from api.core.schema import build_schema
from api.core.web import edge_middleware, note_outcome, with_entity_tag
from coaching.practice.engines import Voices
from coaching.routing.service import Router
from coaching.scenario import load_scenarios, scenarios_directory
from domain import db
from domain.notifications import dispatcher as notifications
from domain.pipeline.rules import DEFAULT_GATES, load_gates
from domain.settings import Settings, load_settings

log = logging.getLogger("pacer.api")
HTTP_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "REQUEST_TOO_LARGE"}
STRAWBERRY_REASONS_ZH = {  # strawberry's refusals speak English only
    "Unsupported content type": "不支持该 Content-Type，请发送 application/json。",
    "No GraphQL query found in the request": "请求中没有 GraphQL 查询。",
    "Unable to parse request body as JSON": "请求体不是有效的 JSON。",
    "mutations are not allowed when using GET": "GET 请求不能执行变更（mutation），请用 POST。",
    "GraphQL only supports GET and POST requests.": "GraphQL 只接受 GET 和 POST 请求。",
}


class MigrationsBehind(RuntimeError):
    pass


class Refusal(HTTPException):
    """An HTTP-level refusal with its message in both languages."""

    def __init__(self, status_code: int, zh: str, en: str) -> None:
        super().__init__(status_code, en)
        self.zh = zh


class PacerGraphQL(GraphQL):
    """Strawberry's view, answering a malformed request with a coded GraphQL error."""

    def __init__(self, schema, settings: Settings, **options: Any) -> None:
        super().__init__(schema, **options)
        self.max_document_bytes = settings.max_document_bytes
        self.persisted = PersistedQueries(settings.persisted_queries, settings.max_document_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = with_entity_tag(request, await self.run(request))
        except HTTPException as refused:
            language = language_of(request.headers.get("accept-language"))
            code = getattr(refused, "code", None) or HTTP_CODES.get(
                refused.status_code, "BAD_REQUEST"
            )
            zh = getattr(refused, "zh", None) or STRAWBERRY_REASONS_ZH.get(
                refused.reason, f"请求无效：{refused.reason}"
            )
            body = error_body(code, zh, refused.reason, language)
            response = Response(body, refused.status_code, media_type="application/json")
            note_errors(scope, [{"extensions": {"code": code}}])  # for the log and /metrics
        await response(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
        except UnicodeDecodeError:
            raise Refusal(
                400, "请求体不是有效的 UTF-8。", "The request body is not valid UTF-8"
            ) from None
        try:
            decoded = json.loads(text)
        except RecursionError:
            raise Refusal(
                400, "请求体的 JSON 嵌套过深。", "The request body's JSON is nested too deeply"
            ) from None
        if not isinstance(decoded, dict):
            raise Refusal(
                400, "请求体必须是 JSON 对象。", "The request body must be a JSON object"
            ) from None
        return decoded

    def should_render_graphql_ide(self, request) -> bool:
        """Not for a GET that carries a persisted query's hash and no document."""
        return super().should_render_graphql_ide(request) and not request.query_params.get(
            "extensions"
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql.page()  # served by Pacer itself, no CDN (api/core/graphiql.py)

    async def process_result(self, request: Request, result):
        note_outcome(request, bool(result.errors))  # an ETag only on answers without errors
        note_errors(request.scope, result.errors)  # for the log line and /metrics
        return await super().process_result(request, result)

    async def execute_operation(self, request, request_adapter, request_data, **rest):
        if not isinstance(request_data, list):  # the name for the log line and /metrics
            note_operation(request.scope, request_data.operation_name, request_data.query)
        return await super().execute_operation(request, request_adapter, request_data, **rest)

    async def parse_http_body(self, request):
        data = await super().parse_http_body(request)
        if not isinstance(data, list):  # batches are refused by strawberry
            data = self.persisted.resolve(data)
        query = getattr(data, "query", None) or ""
        if len(query) > self.max_document_bytes or (
            len(query) * 4 > self.max_document_bytes
            and len(query.encode("utf-8", "surrogatepass")) > self.max_document_bytes
        ):
            limit = self.max_document_bytes
            raise Refusal(
                413,
                f"GraphQL 文档超过 {limit} 字节的上限。",
                f"The GraphQL document is over the limit of {limit} bytes",
            )
        return data

    async def get_context(self, request: Request, response: Response) -> Context:
        state = request.app.state
        context = Context(
            request=request,
            session=request.scope["state"]["session"],
            settings=state.settings,
            authenticator=state.authenticator,
            request_id=request.scope["state"]["request_id"],
            language=language_of(request.headers.get("accept-language")),
            gates=state.gates,
            scenarios=state.scenarios,
            voices=state.voices,
            router=state.router,
        )
        context.loaders = Loaders(context)
        note_context(request.scope, context)  # the log line names the caller
        return context


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    engine = request.app.state.engine
    if not await db.is_reachable(engine):
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
    current, head = await db.current_revision(engine), db.head_revision()
    body: dict[str, Any] = {"database": "ok", "revision": current, "head": head}
    if current != head:
        return JSONResponse({"status": "unavailable", **body, "migrations": "behind"}, 503)
    listener = getattr(request.app.state, "listener", None)
    if listener is not None:
        body["live"] = "listening" if listener.listening.is_set() else "connecting"
        if not listener.listening.is_set():
            return JSONResponse({"status": "unavailable", **body}, 503)
    return JSONResponse({"status": "ready", **body})


async def prepare_database(settings: Settings, engine) -> None:
    """SQLite is upgraded in place; PostgreSQL must be upgraded on purpose (`pacer db upgrade`)."""
    if settings.is_sqlite:
        await db.upgrade(engine)
        return
    current, head = await db.current_revision(engine), db.head_revision()
    if current != head:
        raise MigrationsBehind(
            f"the database is at migration {current or 'none'} but Pacer needs {head}: "
            "run `pacer db upgrade` first"
        )


def create_app(settings: Settings, engine=None, prepare: bool = True) -> Starlette:
    engine = engine or db.server_engine(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        if prepare:
            await prepare_database(settings, engine)
        async with (
            notifications.background(app.state.sessions, settings),
            live_updates(settings) as listener,
        ):
            app.state.listener = listener
            with long_lived_heap():
                yield
        await app.state.voices.aclose()
        await engine.dispose()

    count_statements(engine)  # per request, for the log line and /metrics
    admission = Admission(
        settings.max_in_flight, settings.max_queued, settings.queue_seconds, settings.max_running
    )
    metrics = prometheus.Metrics(settings, engine, admission) if settings.metrics else None
    ide = "graphiql" if settings.graphiql else None
    graphql = PacerGraphQL(
        build_schema(settings),
        settings,
        graphql_ide=ide,
        subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
        allowed_origins=settings.cors_origins or (),  # websockets from other origins
    )
    app = Starlette(
        routes=[
            Route("/graphql", graphql),  # other methods: a coded 405 from the view
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/", lambda request: RedirectResponse("/graphql")),
            *graphiql.routes(settings.graphiql),  # the IDE's JS and CSS, when it is on
            *prometheus.routes(metrics),  # /metrics, unless PACER_METRICS=false
        ],
        middleware=[
            *edge_middleware(settings),  # CORS (answers preflights) and gzip, outermost
            Middleware(
                RequestScope,
                max_body_bytes=settings.max_body_bytes,
                admission=admission,
                metrics=metrics,
            ),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.metrics = metrics
    app.state.sessions = db.session_factory(engine)
    app.state.authenticator = Authenticator(settings)
    app.state.gates = load_gates(settings.stage_gates_file or DEFAULT_GATES)
    # Strict: a bad scenario file stops the start, naming file, JSON path and problem.
    app.state.scenarios = load_scenarios(scenarios_directory(settings), strict=True)
    app.state.voices = Voices(settings)
    app.state.router = Router.of(settings)  # a bad policy or intake schema stops the start
    return app


def app_from_env() -> Starlette:
    """Factory for `uvicorn --factory` and multi-worker serving."""
    return create_app(load_settings())
