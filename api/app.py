"""The ASGI application: /graphql, /healthz, /readyz, a request id on every response."""

from __future__ import annotations

import contextlib
import logging
import re
import time
import uuid
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from api.auth import Authenticator
from api.context import Context, language_of
from api.live import live_updates
from api.loaders import Loaders
from api.schema import build_schema
from coaching.practice.engines import Voices
from coaching.routing.service import Router
from coaching.scenario import load_scenarios, scenarios_directory
from domain import db
from domain.notifications import dispatcher as notifications
from domain.pipeline.rules import DEFAULT_GATES, load_gates
from domain.settings import Settings, load_settings

log = logging.getLogger("pacer.api")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class MigrationsBehind(RuntimeError):
    pass


class PacerGraphQL(GraphQL):
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
        return context


class RequestScope:
    """Gives each HTTP request an id (echoed as X-Request-ID, logged) and a database session
    that is closed, rolling back anything uncommitted, when the response is done."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex[:16]
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

        sessions = scope["app"].state.sessions
        async with sessions() as session:
            state["session"] = session
            await self.app(scope, receive, send_with_id)
        log.info(
            "%s %s %s %.1fms request_id=%s",
            scope.get("method", "WS"),
            scope["path"],
            status["code"],
            (time.perf_counter() - started) * 1000,
            request_id,
        )


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
    engine = engine or db.create_engine(settings.database_url)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        if prepare:
            await prepare_database(settings, engine)
        async with (
            notifications.background(app.state.sessions, settings),
            live_updates(settings) as listener,
        ):
            app.state.listener = listener
            yield
        await app.state.voices.aclose()
        await engine.dispose()

    ide = "graphiql" if settings.graphiql else None
    graphql = PacerGraphQL(
        build_schema(settings),
        graphql_ide=ide,
        subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
    )
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/", lambda request: RedirectResponse("/graphql")),
        ],
        middleware=[Middleware(RequestScope)],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
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
