"""GraphiQL in a real headless Chromium (Debian's `chromium`, driven by playwright) against the
app under uvicorn on 127.0.0.1: the page loads from Pacer alone, the headers editor starts as
{"Authorization": "Bearer "}, the schema is introspected, the token typed into the headers
runs the page's own first query with data and a subscription over the same origin's websocket,
and the browser asked no other host for anything (nor did the page's policy refuse anything).

Skipped, with the reason, only where the browser or playwright is not installed."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.live_app import run_alerts, serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
HEADERS_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
RESPONSE = ".result-window .CodeMirror"
SECONDS = 60_000  # playwright counts milliseconds; two shared cores can be slow
SUBSCRIPTION = "subscription Alerts { alertRaised { rule rep { externalId } } }"


def browser():
    """playwright's async API, or a skip naming what to install."""
    if not CHROMIUM.exists():
        pytest.skip("chromium not installed: apt-get install chromium")
    return pytest.importorskip(
        "playwright.async_api", reason="playwright not installed: pip install -e '.[test]'"
    )


async def editor_text(page, selector: str) -> str:
    return await page.eval_on_selector(selector, "element => element.CodeMirror.getValue()")


async def test_graphiql_runs_a_query_in_chromium_asking_no_other_host(
    db_url, engine, world, tmp_path
):
    playwright = browser()
    requests: list[tuple[str, str, dict[str, str]]] = []
    problems: list[str] = []
    async with serving(db_url, engine) as port, playwright.async_playwright() as driver:
        context = await driver.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a fresh profile: no cache, no stored tabs
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
        )
        try:
            # The context sees every request of every page and worker it opens.
            context.on("request", lambda r: requests.append((r.method, r.url, r.headers)))
            page = context.pages[0] if context.pages else await context.new_page()
            frames: list[str] = []  # a websocket's messages, both ways

            def opened(socket) -> None:
                requests.append(("WS", socket.url, {}))
                socket.on("framesent", lambda frame: frames.append(frame))
                socket.on("framereceived", lambda frame: frames.append(frame))

            page.on("websocket", opened)

            def logged(message) -> None:  # what the page's policy refused, if anything
                if message.type == "error" and "Content Security Policy" in message.text:
                    problems.append(message.text)

            page.on("console", logged)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            await page.goto(f"http://127.0.0.1:{port}/graphql", timeout=SECONDS)
            await page.wait_for_selector(QUERY_EDITOR, timeout=SECONDS)
            await page.wait_for_selector(HEADERS_EDITOR, timeout=SECONDS)

            assert await editor_text(page, HEADERS_EDITOR) == '{"Authorization": "Bearer "}'
            assert "query Me {" in await editor_text(page, QUERY_EDITOR)
            await page.click("button[aria-label='Show Documentation Explorer']")
            await page.get_by_text("All Schema Types").wait_for(timeout=SECONDS)  # introspected

            # Type the token after "Bearer ", as a user pastes it.
            await page.eval_on_selector(
                HEADERS_EDITOR,
                """element => {
                    const editor = element.CodeMirror;
                    editor.focus();
                    editor.setCursor({line: 0, ch: editor.getLine(0).length - 2});
                }""",
            )
            await page.keyboard.type(world.tokens["admin"])
            headers = json.loads(await editor_text(page, HEADERS_EDITOR))
            assert headers == {"Authorization": f"Bearer {world.tokens['admin']}"}

            await page.click(".graphiql-execute-button")
            await page.wait_for_function(
                f"""() => document.querySelector({json.dumps(RESPONSE)})
                    .CodeMirror.getValue().includes('"data"')""",
                timeout=SECONDS,
            )
            result = json.loads(await editor_text(page, RESPONSE))

            # A subscription runs over a websocket to the same origin, the headers editor's
            # contents being the connection's payload (where Pacer reads a socket's token).
            await page.eval_on_selector(
                QUERY_EDITOR, "(element, text) => element.CodeMirror.setValue(text)", SUBSCRIPTION
            )
            await page.wait_for_function(  # the tab follows the document's operation name
                "() => document.querySelector('.graphiql-tab-button')?.textContent === 'Alerts'",
                timeout=SECONDS,
            )
            await page.click(".graphiql-execute-button")
            for _ in range(600):  # the browser has sent the subscription (a minute at most)
                if any('"subscribe"' in frame for frame in frames if isinstance(frame, str)):
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.3)  # and it reaches the broker
            assert (await run_alerts(port, world.tokens["admin"]))["summary"]["raised"] == 4
            await page.wait_for_function(
                f"""() => document.querySelector({json.dumps(RESPONSE)})
                    .CodeMirror.getValue().includes('alertRaised')""",
                timeout=SECONDS,
            )
        finally:
            await context.close()

    assert result == {
        "data": {"me": {"login": "admin", "displayName": "Admin", "roles": ["ADMIN"]}}
    }, result
    assert problems == []
    elsewhere = [
        url
        for _, url, _ in requests
        if urlsplit(url).scheme != "data" and urlsplit(url).hostname != "127.0.0.1"
    ]
    assert elsewhere == [], f"requests to another host: {elsewhere}"
    asked = {urlsplit(url).path for _, url, _ in requests}
    assert asked >= {
        "/graphql",
        "/graphiql/static/graphiql.min.js",
        "/graphiql/static/react.production.min.js",
        "/graphiql/static/pacer-graphiql.js",
    }
    messages = [json.loads(frame) for frame in frames if isinstance(frame, str)]
    assert messages[0] == {
        "type": "connection_init",
        "payload": {"Authorization": f"Bearer {world.tokens['admin']}"},
    }
    assert any(
        message.get("type") == "next" and "alertRaised" in message["payload"]["data"]
        for message in messages
    )
    queries = [h for method, url, h in requests if method == "POST" and url.endswith("/graphql")]
    assert any(h.get("authorization") == f"Bearer {world.tokens['admin']}" for h in queries)
