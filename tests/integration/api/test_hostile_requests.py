"""Hostile documents and malformed requests: each refused with a coded error and a request
id, before authentication and before validation's expensive checks; nothing is written."""

from __future__ import annotations

import httpx
import pytest

from api.core.app import PacerGraphQL
from tests.support.graphql import Api, gid, make_app

JSON_HEADERS = {"content-type": "application/json"}


def repeated(times: int) -> str:
    return "{ " + " ".join(["me { rep { unit { id } } }"] * times) + " }"


def first_error(response: httpx.Response) -> dict:
    assert response.headers["x-request-id"]
    assert response.headers["content-type"].startswith("application/json")
    return response.json()["errors"][0]


async def test_repeated_selections_without_a_token_are_refused_as_too_many_merges(api):
    response = await api.post(repeated(450), as_=None)
    error = first_error(response)
    assert error["extensions"]["code"] == "TOO_MANY_FIELD_MERGES"
    assert (
        "repeated fields"
        in (await api(repeated(450), as_=None, headers={"Accept-Language": "en"}))["errors"][0][
            "message"
        ]
    )


async def test_the_field_cap_is_a_setting(db_url, engine, world):
    app = make_app(db_url, engine, max_fields=20)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        api = Api(c, world)
        wide = "{ " + " ".join(f"a{i}: __typename" for i in range(21)) + " }"
        assert (await api(wide, as_=None))["errors"][0]["extensions"]["code"] == "TOO_MANY_FIELDS"
        assert "errors" not in await api("{ me { login roles } }")


async def test_cost_is_limited_and_reported_when_asked(api):
    page = "opportunities(first: 100) { edges { node { owner { unit { id } } account { id } } } }"
    dear = "{ " + " ".join(f"o{i}: {page}" for i in range(20)) + " }"
    error = (await api(dear))["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert "10040" in error["message"]
    response = await api.client.post(
        "/graphql",
        json={"query": "{ me { login } }", "extensions": {"cost": True}},
        headers={"Authorization": f"Bearer {api.world.tokens['admin']}"},
    )
    assert response.json()["extensions"]["cost"] == {"requested": 1, "limit": 2_000, "fields": 2}
    plain = await api.post("{ me { login } }")
    assert "extensions" not in plain.json()


async def test_a_body_over_the_limit_is_refused_whether_declared_or_streamed(api):
    body = b'{"query": "{ __typename }", "variables": {"pad": "' + b"x" * 1_000_000 + b'"}}'
    declared = await api.client.post("/graphql", content=body, headers=JSON_HEADERS)
    assert declared.status_code == 413
    assert first_error(declared)["extensions"]["code"] == "REQUEST_TOO_LARGE"

    async def chunks():
        for start in range(0, len(body), 65_536):
            yield body[start : start + 65_536]

    streamed = await api.client.post("/graphql", content=chunks(), headers=JSON_HEADERS)
    assert streamed.status_code == 413
    assert first_error(streamed)["extensions"]["code"] == "REQUEST_TOO_LARGE"


async def test_a_document_over_its_limit_is_refused_comments_included(api):
    response = await api.post("# " + "x" * 100_000 + "\n{ __typename }", as_=None)
    assert response.status_code == 413
    assert first_error(response)["extensions"]["code"] == "REQUEST_TOO_LARGE"


@pytest.mark.parametrize(
    "body",
    [b"42", b'"query"', b"[]", b"null", b"[" * 100_000 + b"]" * 100_000, b'{"query": "\xff"}'],
    ids=["number", "string", "list", "null", "nested", "not-utf8"],
)
async def test_malformed_bodies_answer_400_with_a_coded_error(api, body):
    response = await api.client.post("/graphql", content=body, headers=JSON_HEADERS)
    assert response.status_code == 400
    assert first_error(response)["extensions"]["code"] == "BAD_REQUEST"


async def test_an_unexpected_failure_outside_graphql_is_a_coded_500_with_the_request_id(
    api, monkeypatch, caplog
):
    async def broken(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(PacerGraphQL, "run", broken)
    response = await api.post("{ __typename }", headers={"X-Request-ID": "trace-1"})
    assert response.status_code == 500
    error = first_error(response)
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "trace-1"}
    assert "boom" not in response.text
    assert "trace-1" in caplog.text


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        ("{ opportunities(firs: 1) { totalCount } }", None),  # an argument
        ("{ opportunities(stage: WONN) { totalCount } }", None),  # an enum value
        ("query($s: Stag) { opportunities(stage: $s) { totalCount } }", None),  # a type
        (
            "mutation($i: CreateAccountInput!) { createAccount(input: $i) { errors { code } } }",
            {"i": {"nam": "x", "name": "x", "segment": "retail"}},  # a variable's field
        ),
        ("query($s: Stage) { opportunities(stage: $s) { totalCount } }", {"s": "WONN"}),
        ("{ me { logn } }", None),  # a field
    ],
)
async def test_no_schema_hints_when_introspection_is_off(
    db_url, engine, world, document, variables
):
    messages = {}
    for introspection in (True, False):
        app = make_app(db_url, engine, introspection=introspection)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            for language in ("zh", "en"):
                headers = {"Accept-Language": language}
                body = await Api(c, world)(document, variables, headers=headers)
                found = [error["message"] for error in body["errors"]]
                found += [error["extensions"].get("detail", "") for error in body["errors"]]
                messages[introspection, language] = " ".join(found)
    assert "Did you mean" in messages[True, "en"]
    assert "你是不是想用" in messages[True, "zh"] and "Did you mean" not in messages[True, "zh"]
    for language in ("zh", "en"):
        assert "Did you mean" not in messages[False, language]
        assert "你是不是想用" not in messages[False, language]


async def test_huge_and_odd_global_ids_are_not_ids(api):
    for node_id in ("9" * 30, "9" * 5000, str(2**63), "²", "-1"):
        encoded = gid("Rep", node_id) if len(node_id) < 100 else None
        if encoded is None:
            import base64

            encoded = base64.b64encode(f"Rep:{node_id}".encode()).decode()
        body = await api(
            "query($id: ID!) { node(id: $id) { id } rep(id: $id) { id } }", {"id": encoded}
        )
        codes = {error["extensions"]["code"] for error in body.get("errors", [])}
        assert "INTERNAL_SERVER_ERROR" not in codes, body
        assert body.get("data") is None or body["data"]["node"] is None


async def test_large_documents_are_parsed_and_validated_off_the_event_loop_with_the_same_answers(
    api,
):
    padding = "# " + "x" * 3000 + "\n"
    assert (await api(padding + "{ __typename me { login } }"))["data"]["me"]["login"] == "admin"
    broken = (await api(padding + "{ me { login }", as_=None))["errors"][0]
    assert broken["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert "Syntax Error" in broken["message"]
    invalid = (await api(padding + "{ me { nope } }"))["errors"][0]
    assert invalid["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    tokens = "{ " + " ".join("__typename" for _ in range(6000)) + " }"
    assert (await api(tokens, as_=None))["errors"][0]["extensions"][
        "code"
    ] == "GRAPHQL_PARSE_FAILED"
