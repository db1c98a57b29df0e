"""GraphiQL served by Pacer itself: the page at GET /graphql and its assets under
/graphiql/static/, all shipped in the package (api/static/graphiql), so the IDE works on an
intranet or with no internet. Both exist only while `settings.graphiql` is on.

The page's Content-Security-Policy lets it load and connect to its own origin only: nothing
in it can reach another host, whatever a future bundle might try."""

from __future__ import annotations

import functools
from pathlib import Path

from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

ASSETS = Path(__file__).resolve().parent.parent / "static" / "graphiql"
STATIC_PATH = "/graphiql/static"
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # GraphiQL's components set inline styles
        "img-src 'self' data:",
        "font-src 'self' data:",  # the fonts are data: URLs inside graphiql.min.css
        "connect-src 'self'",  # /graphql over HTTP, and its websocket (same origin)
        "base-uri 'none'",
        "form-action 'none'",
    ]
)


@functools.cache
def _html() -> str:
    return (ASSETS / "index.html").read_text(encoding="utf-8")


def page() -> HTMLResponse:
    """The IDE's page (strawberry's own loads its scripts from a public CDN)."""
    return HTMLResponse(
        _html(),
        headers={
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        },
    )


def routes(enabled: bool) -> list[BaseRoute]:
    """The assets' route, when GraphiQL is on."""
    if not enabled:
        return []
    return [Mount(STATIC_PATH, app=StaticFiles(directory=ASSETS), name="graphiql-static")]
