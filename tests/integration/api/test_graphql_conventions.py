"""Limits, masking, request ids, introspection and suggestions, unauthenticated access."""

from __future__ import annotations

import logging

import pytest

from tests.support.graphql import Api, make_app

EN = {"Accept-Language": "en"}  # the messages asserted below are the English ones


def nested_parents(depth: int) -> str:
    selection = "code"
    for _ in range(depth):
        selection = f"parent {{ {selection} }}"
    return f"{{ orgUnits {{ edges {{ node {{ {selection} }} }} }} }}"


async def test_typename_answers_without_a_token(api):
    assert await api("{ __typename }", as_=None) == {"data": {"__typename": "Query"}}


async def test_every_other_field_needs_a_token(api):
    body = await api("{ me { login } }", as_=None, headers=EN)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "no Authorization header" in body["errors"][0]["message"]


async def test_query_deeper_than_the_limit_is_refused(api):
    assert "errors" not in await api(nested_parents(5))
    body = await api(nested_parents(12), headers=EN)
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


async def test_too_many_aliases_are_refused(api):
    many = " ".join(f"a{i}: me {{ login }}" for i in range(31))
    body = await api(f"{{ {many} }}", headers=EN)
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "aliases" in body["errors"][0]["message"]


async def test_too_many_tokens_are_refused(api):
    huge = "{ " + " ".join("__typename" for _ in range(6000)) + " }"
    body = await api(huge, as_=None, headers=EN)
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED", body
    assert "token" in body["errors"][0]["message"].lower()


async def test_page_size_above_the_cap_is_a_coded_error(api):
    body = await api("{ reps(first: 101) { totalCount } }")
    assert body["errors"][0]["extensions"] == {"code": "INVALID_PAGE_SIZE", "field": "first"}
    en = await api("{ reps(first: 101) { totalCount } }", headers={"Accept-Language": "en"})
    assert en["errors"][0]["message"] == "`first` must be between 0 and 100"


async def test_bad_cursor_is_a_coded_error(api):
    body = await api('{ reps(after: "bm9wZQ==") { totalCount } }')
    assert body["errors"][0]["extensions"] == {"code": "INVALID_CURSOR", "field": "after"}


@pytest.mark.parametrize("bad", ["garbage", "!!!", ""])
async def test_malformed_global_id_is_a_coded_error(api, bad):
    body = await api("query($id: ID!) { node(id: $id) { id } }", {"id": bad})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_ID"
    assert "ID" in body["errors"][0]["message"]


async def test_global_id_of_unknown_type_gives_null(api):
    assert (await api.data('{ node(id: "Tm9wZTox") { id } }'))["node"] is None


async def test_request_id_is_echoed_or_made(api):
    response = await api.post("{ __typename }", as_=None)
    assert len(response.headers["x-request-id"]) == 16
    response = await api.post("{ __typename }", as_=None, headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    response = await api.post("{ __typename }", as_=None, headers={"X-Request-ID": "bad id!"})
    assert response.headers["x-request-id"] != "bad id!"


@pytest.fixture
def broken_rep_listing(monkeypatch):
    from domain.org import queries

    async def explode(*args, **kwargs):
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr(queries, "list_reps", explode)


async def test_unexpected_errors_are_masked_with_the_request_id(api, broken_rep_listing, caplog):
    with caplog.at_level(logging.ERROR, logger="pacer.api"):
        response = await api.post("{ reps { totalCount } }", headers={"X-Request-ID": "req-42"})
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42"}
    assert "hunter2" not in error["message"] and "req-42" in error["message"]
    assert any("req-42" in r.getMessage() and r.exc_info for r in caplog.records)


async def test_debug_shows_unexpected_errors(db_url, engine, world, broken_rep_listing):
    import httpx

    app = make_app(db_url, engine, debug=True)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        body = await Api(c, world)("{ reps { totalCount } }")
    assert "hunter2" in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"


async def test_introspection_and_suggestions_follow_the_switch(db_url, engine, world):
    import httpx

    for introspection in (True, False):
        app = make_app(db_url, engine, introspection=introspection)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            api = Api(c, world)
            schema = await api("{ __schema { queryType { name } } }", as_=None)
            typo = await api("{ me { logn } }")
            typo_en = await api("{ me { logn } }", headers={"Accept-Language": "en"})
        zh, en = typo["errors"][0]["message"], typo_en["errors"][0]["message"]
        assert zh.startswith("类型 ") and "没有字段 logn" in zh and "Cannot query" not in zh
        assert en.startswith("Cannot query field 'logn'")
        if introspection:
            assert schema["data"]["__schema"]["queryType"]["name"] == "Query"
            assert "你是不是想用 'login'" in zh and "Did you mean 'login'" in en
        else:
            assert schema["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
            assert "login" not in zh and "Did you mean" not in en


async def test_graphiql_follows_the_switch(db_url, engine):
    import httpx

    for graphiql, status in ((True, 200), (False, 404)):
        app = make_app(db_url, engine, graphiql=graphiql)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            page = await c.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == status
        if graphiql:
            assert "graphiql" in page.text.lower()


async def test_health_and_readiness(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
    assert ready.json()["revision"] == ready.json()["head"]
