"""What a browser on another origin and HTTP caches see: CORS only for the configured origins
(preflights answered before the request scope), gzip above 1 KB, ETags and 304 on GET queries."""

from __future__ import annotations

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from api.core.request_scope import RequestScope
from tests.support.graphql import make_app
from tests.support.live_app import serving

FRONT_END = "http://localhost:5173"
PREFLIGHT = {
    "Origin": FRONT_END,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type, x-request-id",
}
LARGE = "{ __schema { types { name description fields { name description } } } }"


@pytest.fixture
def app_settings():
    return {"cors_origins": [FRONT_END, "https://crm.example.com"]}


def bearer(api, login: str = "admin") -> dict[str, str]:
    return {"Authorization": f"Bearer {api.world.tokens[login]}"}


async def test_a_preflight_from_a_configured_origin_is_granted(api):
    response = await api.client.options("/graphql", headers=PREFLIGHT)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == FRONT_END
    assert set(response.headers["access-control-allow-methods"].split(", ")) == {
        "GET",
        "POST",
        "OPTIONS",
    }
    allowed = {h.lower() for h in response.headers["access-control-allow-headers"].split(", ")}
    assert {"authorization", "content-type", "accept-language", "x-request-id"} <= allowed
    assert response.headers["access-control-max-age"] == "600"
    assert "access-control-allow-credentials" not in response.headers
    assert "Origin" in response.headers["vary"]


@pytest.mark.parametrize(
    "headers",
    [
        {**PREFLIGHT, "Origin": "http://evil.example"},
        {**PREFLIGHT, "Origin": "http://localhost:5174"},
        {**PREFLIGHT, "Access-Control-Request-Method": "DELETE"},
        {**PREFLIGHT, "Access-Control-Request-Headers": "x-unknown"},
    ],
    ids=["other-origin", "other-port", "method", "header"],
)
async def test_a_preflight_outside_the_configuration_is_not_granted(api, headers):
    response = await api.client.options("/graphql", headers=headers)
    assert response.status_code == 400
    if headers["Origin"] != FRONT_END:
        assert "access-control-allow-origin" not in response.headers


async def test_a_preflight_never_enters_the_request_scope(api, monkeypatch):
    async def entered(self, scope, receive, send):
        raise AssertionError("a preflight reached the admission gate and the database session")

    monkeypatch.setattr(RequestScope, "__call__", entered)
    assert (await api.client.options("/graphql", headers=PREFLIGHT)).status_code == 200
    refused = {**PREFLIGHT, "Origin": "http://evil.example"}
    assert (await api.client.options("/graphql", headers=refused)).status_code == 400


async def test_an_answer_to_a_configured_origin_names_it_and_exposes_the_request_id(api):
    response = await api.post("{ me { login } }", headers={"Origin": FRONT_END})
    assert response.json()["data"] == {"me": {"login": "admin"}}
    assert response.headers["access-control-allow-origin"] == FRONT_END
    exposed = {h.lower() for h in response.headers["access-control-expose-headers"].split(", ")}
    assert {"x-request-id", "etag", "retry-after"} <= exposed
    assert "access-control-allow-credentials" not in response.headers
    other = await api.post("{ me { login } }", headers={"Origin": "http://evil.example"})
    assert other.json()["data"] == {"me": {"login": "admin"}}  # the browser withholds it
    assert "access-control-allow-origin" not in other.headers


async def test_a_refusal_carries_the_cors_headers_too(api):
    response = await api.client.post(
        "/graphql", content=b"[]", headers={"Origin": FRONT_END, "content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["access-control-allow-origin"] == FRONT_END


async def test_without_the_setting_there_are_no_cors_headers_at_all(db_url, engine, world):
    app = make_app(db_url, engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        preflight = await c.options("/graphql", headers=PREFLIGHT)
        assert preflight.status_code == 405
        assert preflight.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
        answer = await c.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": FRONT_END}
        )
        assert answer.json() == {"data": {"__typename": "Query"}}
    for response in (preflight, answer):
        assert not [name for name in response.headers if name.startswith("access-control-")]


async def test_websockets_from_a_configured_origin_only(db_url, engine):
    async with serving(db_url, engine, cors_origins=[FRONT_END]) as port:
        url = f"ws://127.0.0.1:{port}/graphql"
        async with connect(url, origin=FRONT_END, subprotocols=["graphql-transport-ws"]) as ws:
            assert ws.subprotocol == "graphql-transport-ws"
        with pytest.raises(InvalidStatus) as refused:
            async with connect(
                url, origin="http://evil.example", subprotocols=["graphql-transport-ws"]
            ):
                pass
        assert refused.value.response.status_code == 403


async def test_large_answers_are_gzipped_when_accepted(api):
    query = {"query": LARGE}
    plain = await api.client.post("/graphql", json=query, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert len(plain.content) > 1024
    zipped = await api.client.post("/graphql", json=query, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["vary"]
    assert int(zipped.headers["content-length"]) < len(plain.content) / 3
    assert zipped.json() == plain.json()  # httpx inflates it
    small = await api.client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Accept-Encoding": "gzip"}
    )
    assert "content-encoding" not in small.headers


async def test_a_get_query_has_an_etag_and_revalidates_to_304(api):
    params = {"query": "{ me { login roles } }"}
    first = await api.client.get("/graphql", params=params, headers=bearer(api))
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert tag.startswith('"') and tag.endswith('"') and len(tag) == 34  # strong
    assert first.headers["cache-control"] == "private, no-cache"
    again = await api.client.get("/graphql", params=params, headers=bearer(api))
    assert again.headers["etag"] == tag  # the same bytes, the same tag
    for sent in (tag, f"W/{tag}", f'"other", {tag}', "*"):
        cached = await api.client.get(
            "/graphql", params=params, headers={**bearer(api), "If-None-Match": sent}
        )
        assert cached.status_code == 304, sent
        assert cached.content == b""
        assert cached.headers["etag"] == tag
        assert cached.headers["x-request-id"]
    stale = await api.client.get(
        "/graphql", params=params, headers={**bearer(api), "If-None-Match": '"other"'}
    )
    assert stale.status_code == 200
    assert stale.json()["data"]["me"]["login"] == "admin"


async def test_the_tag_follows_the_caller_and_the_language(api):
    params = {"query": "{ me { login } }"}
    admin = await api.client.get("/graphql", params=params, headers=bearer(api))
    manager = await api.client.get(
        "/graphql",
        params=params,
        headers={**bearer(api, "manager"), "If-None-Match": admin.headers["etag"]},
    )
    assert manager.status_code == 200
    assert manager.headers["etag"] != admin.headers["etag"]


async def test_a_gzipped_answer_has_its_own_strong_tag_and_revalidates(api):
    params = {"query": LARGE}
    plain = await api.client.get(
        "/graphql", params=params, headers={**bearer(api), "Accept-Encoding": "identity"}
    )
    zipped = await api.client.get(
        "/graphql", params=params, headers={**bearer(api), "Accept-Encoding": "gzip"}
    )
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["etag"] == plain.headers["etag"][:-1] + '-gzip"'
    cached = await api.client.get(
        "/graphql",
        params=params,
        headers={**bearer(api), "Accept-Encoding": "gzip", "If-None-Match": zipped.headers["etag"]},
    )
    assert cached.status_code == 304
    assert cached.headers["etag"] == zipped.headers["etag"]
    assert "content-encoding" not in cached.headers


@pytest.mark.parametrize(
    ("method", "query", "login"),
    [
        ("POST", "{ me { login } }", "admin"),  # never on POST
        ("GET", "{ me { logn } }", "admin"),  # a validation error
        ("GET", "{ me { login } }", None),  # UNAUTHENTICATED
    ],
    ids=["post", "invalid", "unauthenticated"],
)
async def test_no_etag_on_post_or_on_errors(api, method, query, login):
    headers = bearer(api, login) if login else {}
    if method == "POST":
        response = await api.client.post("/graphql", json={"query": query}, headers=headers)
    else:
        response = await api.client.get("/graphql", params={"query": query}, headers=headers)
    assert response.status_code in (200, 400)
    assert "etag" not in response.headers
    assert "cache-control" not in response.headers
    if method == "GET":
        assert response.json().get("errors")


async def test_the_graphiql_page_has_no_etag(api):
    page = await api.client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "etag" not in page.headers
