"""Automatic persisted queries (Apollo's protocol) over POST and GET: an unknown hash asks for
the document, a document with its hash is checked and remembered, then the hash alone runs it;
every malformed request is a coded error in the caller's language."""

from __future__ import annotations

import hashlib
import json

import httpx
import pytest

from tests.support.graphql import make_app

ME = "query Me { me { login } }"


def sha256(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def persisted(digest: str, version: object = 1) -> dict:
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


def bearer(api) -> dict[str, str]:
    return {"Authorization": f"Bearer {api.world.tokens['admin']}"}


async def post(api, extensions: dict, query: str | None = None, headers=None) -> httpx.Response:
    body: dict = {"extensions": extensions, "operationName": "Me"}
    if query is not None:
        body["query"] = query
    return await api.client.post("/graphql", json=body, headers={**bearer(api), **(headers or {})})


async def get(api, extensions: dict, query: str | None = None, headers=None) -> httpx.Response:
    params = {"extensions": json.dumps(extensions)}
    if query is not None:
        params["query"] = query
    # Apollo Client's default Accept is */*, which must not bring up GraphiQL.
    headers = {**bearer(api), "Accept": "*/*", **(headers or {})}
    return await api.client.get("/graphql", params=params, headers=headers)


def error(response: httpx.Response) -> dict:
    assert response.headers["x-request-id"]
    body = response.json()
    assert body["data"] is None
    return body["errors"][0]


@pytest.mark.parametrize("send", [post, get], ids=["POST", "GET"])
async def test_an_unknown_hash_asks_for_the_document_as_apollo_clients_expect(api, send):
    for language in ("zh-CN", "en"):
        response = await send(api, persisted(sha256(ME)), headers={"Accept-Language": language})
        assert response.status_code == 200
        assert error(response) == {
            "message": "PersistedQueryNotFound",
            "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
        }
        assert "etag" not in response.headers


@pytest.mark.parametrize("register", [post, get], ids=["registered-by-POST", "by-GET"])
async def test_a_document_with_its_hash_is_remembered_then_the_hash_alone_runs_it(api, register):
    digest = sha256(ME)
    first = await register(api, persisted(digest), ME)
    assert first.json() == {"data": {"me": {"login": "admin"}}}
    by_post = await post(api, persisted(digest))
    assert by_post.json() == {"data": {"me": {"login": "admin"}}}
    by_get = await get(api, persisted(digest.upper()))  # hex digits in either case
    assert by_get.status_code == 200
    assert by_get.json() == {"data": {"me": {"login": "admin"}}}
    assert by_get.headers["etag"]  # a GET by hash is revalidatable like any GET query
    cached = await get(api, persisted(digest), headers={"If-None-Match": by_get.headers["etag"]})
    assert cached.status_code == 304


async def test_variables_and_mutations_travel_with_a_hash(api):
    query = "query Unit($id: ID!) { node(id: $id) { id } }"
    digest = sha256(query)
    variables = {"id": api.world.unit("east")}
    body = {"query": query, "variables": variables, "extensions": persisted(digest)}
    assert (await api.client.post("/graphql", json=body, headers=bearer(api))).status_code == 200
    del body["query"]
    answer = await api.client.post("/graphql", json=body, headers=bearer(api))
    assert answer.json() == {"data": {"node": {"id": variables["id"]}}}

    mutation = "mutation { __typename }"
    registered = await api.client.post(
        "/graphql", json={"query": mutation, "extensions": persisted(sha256(mutation))}
    )
    assert registered.json() == {"data": {"__typename": "Mutation"}}
    by_post = await api.client.post("/graphql", json={"extensions": persisted(sha256(mutation))})
    assert by_post.json() == {"data": {"__typename": "Mutation"}}
    by_get = await get(api, persisted(sha256(mutation)))
    assert by_get.status_code == 400  # a mutation is never run by GET, hash or not
    assert error(by_get)["extensions"]["code"] == "BAD_REQUEST"


async def test_a_hash_that_is_not_the_documents_is_refused_and_not_remembered(api):
    other = sha256("{ __typename }")
    response = await post(api, persisted(other), ME)
    assert response.status_code == 400
    refused = error(response)
    assert refused["extensions"] == {"code": "PERSISTED_QUERY_HASH_MISMATCH"}
    assert "sha256Hash 与随附的查询不符" in refused["message"]
    english = await get(api, persisted(other), ME, headers={"Accept-Language": "en"})
    assert english.status_code == 400
    assert error(english)["message"].startswith("The persistedQuery sha256Hash does not match")
    assert error(await post(api, persisted(other)))["extensions"]["code"] == (
        "PERSISTED_QUERY_NOT_FOUND"
    )


@pytest.mark.parametrize(
    ("extensions", "code", "zh", "en"),
    [
        (persisted(sha256(ME), 2), "PERSISTED_QUERY_VERSION_UNSUPPORTED", "版本 2", "version 2"),
        (persisted(sha256(ME), True), "PERSISTED_QUERY_VERSION_UNSUPPORTED", "True", "True"),
        ({"persistedQuery": "abc"}, "BAD_REQUEST", "必须是对象", "must be an object"),
        (persisted("abc"), "BAD_REQUEST", "64 位十六进制", "64 hex digits"),
        (persisted("g" * 64), "BAD_REQUEST", "64 位十六进制", "64 hex digits"),
        ({"persistedQuery": {"version": 1}}, "BAD_REQUEST", "sha256Hash", "sha256Hash"),
    ],
    ids=["version-2", "version-true", "not-an-object", "short-hash", "not-hex", "no-hash"],
)
@pytest.mark.parametrize("send", [post, get], ids=["POST", "GET"])
async def test_malformed_persisted_queries_are_coded_400s(api, send, extensions, code, zh, en):
    for language, words in (("zh-CN", zh), ("en", en)):
        response = await send(api, extensions, headers={"Accept-Language": language})
        assert response.status_code == 400
        refused = error(response)
        assert refused["extensions"] == {"code": code}
        assert words in refused["message"]


async def test_the_cache_is_bounded_least_recently_used_first_out(db_url, engine, world):
    app = make_app(db_url, engine, persisted_queries=2)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:

        async def send(query: str, with_document: bool) -> dict:
            body = {"extensions": persisted(sha256(query))}
            if with_document:
                body["query"] = query
            return (await c.post("/graphql", json=body)).json()

        documents = ["{ a: __typename }", "{ b: __typename }", "{ c: __typename }"]
        for query in documents[:2]:
            assert "errors" not in await send(query, True)
        assert "errors" not in await send(documents[0], False)  # a is now the most recent
        assert "errors" not in await send(documents[2], True)  # c pushes b out
        assert await send(documents[0], False) == {"data": {"a": "Query"}}
        assert await send(documents[2], False) == {"data": {"c": "Query"}}
        assert (await send(documents[1], False))["errors"][0]["extensions"]["code"] == (
            "PERSISTED_QUERY_NOT_FOUND"
        )


async def test_with_the_cache_off_clients_are_told_to_stop_hashing(db_url, engine, world):
    app = make_app(db_url, engine, persisted_queries=0)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        for body in (
            {"extensions": persisted(sha256(ME))},
            {"query": ME, "extensions": persisted(sha256(ME))},
        ):
            response = await c.post("/graphql", json=body)
            assert response.status_code == 200
            assert response.json()["errors"][0] == {
                "message": "PersistedQueryNotSupported",
                "extensions": {"code": "PERSISTED_QUERY_NOT_SUPPORTED"},
            }
        plain = await c.post("/graphql", json={"query": "{ __typename }"})
        assert plain.json() == {"data": {"__typename": "Query"}}


async def test_a_persisted_document_still_meets_the_size_limit(db_url, engine, world):
    app = make_app(db_url, engine, max_document_bytes=1_000)
    long = "{ __typename }" + " " * 1_000
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        body = {"query": long, "extensions": persisted(sha256(long))}
        assert (await c.post("/graphql", json=body)).status_code == 413
        del body["query"]
        response = await c.post("/graphql", json=body)
        assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_a_get_without_a_hash_or_a_document_still_brings_up_graphiql(api):
    page = await api.client.get("/graphql", headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html")
