"""GraphiQL served by Pacer alone (no browser here; tests/integration/api/test_graphiql_browser.py
runs it in Chromium): the page at GET /graphql, every asset it names served from the package,
no URL to another host in the page, its own script or its styles, and nothing while the IDE
is switched off."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from api.core.graphiql import ASSETS, STATIC_PATH

BASE = "http://pacer.test/graphql"  # the `client` fixture's base URL
ABSOLUTE_URL = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""")
HTML = {"Accept": "text/html"}
CONTENT_TYPES = {".js": "javascript", ".css": "text/css"}


class References(HTMLParser):
    """The URLs a page loads: scripts, stylesheets, icons, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        for attribute in ("src", "href"):
            if named.get(attribute):
                self.urls.append(named[attribute])


def references(html: str) -> list[str]:
    parser = References()
    parser.feed(html)
    return parser.urls


async def test_the_page_and_every_asset_it_names_come_from_pacer(client):
    page = await client.get("/graphql", headers=HTML)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    assert "https://" not in policy and "http://" not in policy
    assert ABSOLUTE_URL.findall(page.text) == [], "the page names another host"

    urls = [url for url in references(page.text) if not url.startswith("data:")]
    assets = {urlsplit(urljoin(BASE, url)).path for url in urls}
    assert assets == {
        f"{STATIC_PATH}/{name}"
        for name in (
            "graphiql.min.css",
            "plugin-explorer.css",
            "pacer-graphiql.css",
            "react.production.min.js",
            "react-dom.production.min.js",
            "graphiql.min.js",
            "plugin-explorer.umd.js",
            "pacer-graphiql.js",
        )
    }
    for path in sorted(assets):
        served = await client.get(path)
        assert served.status_code == 200, path
        kind = CONTENT_TYPES[path[path.rindex(".") :]]
        assert kind in served.headers["content-type"], (path, served.headers["content-type"])
        assert served.content == (ASSETS / path.removeprefix(f"{STATIC_PATH}/")).read_bytes()


async def test_neither_the_styles_nor_pacers_script_load_from_another_host(client):
    """The stylesheets fetch nothing (GraphiQL's fonts are data: URLs inside its CSS), and the
    start-up script names no host; the bundles only hold links a user may click and texts."""
    for name in ("graphiql.min.css", "plugin-explorer.css", "pacer-graphiql.css"):
        css = (await client.get(f"{STATIC_PATH}/{name}")).text
        assert "@import" not in css, name
        for target in re.findall(r"url\(\s*['\"]?([^'\")]*)", css):
            assert target.startswith("data:") or not ABSOLUTE_URL.match(target), (name, target)
    script = (await client.get(f"{STATIC_PATH}/pacer-graphiql.js")).text
    assert ABSOLUTE_URL.findall(script) == []
    assert "Authorization" in script and "Bearer " in script


def test_the_licenses_of_the_bundled_code_ship_with_it():
    licenses = ASSETS / "licenses"
    for name in ("react", "react-dom", "graphiql", "graphiql-plugin-explorer", "graphiql-explorer"):
        assert "MIT License" in (licenses / f"{name}.LICENSE").read_text(), name
    assert "Apache License" in (licenses / "apache-2.0.LICENSE").read_text()


async def test_a_query_in_the_url_is_still_run_not_the_page(client):
    response = await client.get("/graphql", params={"query": "{ __typename }"}, headers=HTML)
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("app_settings", [{"graphiql": False}])
async def test_with_graphiql_off_neither_the_page_nor_its_assets_are_served(client):
    page = await client.get("/graphql", headers=HTML)
    assert page.status_code == 404
    assert "graphiql" not in page.text.lower()
    assert (await client.get(f"{STATIC_PATH}/graphiql.min.js")).status_code == 404
