"""Pacer's reads answer the same with the execution shortcuts as through strawberry's and
graphql-core's general path, on both databases: the same values, nulls and errors."""

from __future__ import annotations

import httpx
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

import api.core.schema as schema_module
from tests.support.graphql import Api, make_app
from tests.support.pipeline import move, new_opportunity

OPPORTUNITIES = """{ opportunities(first: 20) { totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { id title amount stage expectedClose stageEnteredAt qualification
    sourceLead highMargin wonAmount wonOn lossReasonCode version forecastCategory paidAmount
    owner { id externalId name level hireDate status capacity territories unit { id name } }
    account { id name owner { id name } }
    history { toStage at reason } customerStatus } } } }"""
REPS = """{ reps(first: 50) { totalCount edges { node { id externalId name level status
  hireDate unit { id code name kind parent { id name } } } } } }"""
ME = "{ me { login roles rep { name unit { name } } } }"
MISSING = '{ node(id: "T3Bwb3J0dW5pdHk6OTk5OTk=") { id } }'
REFUSED = "{ opportunities(first: -1) { totalCount edges { node { id title } } } }"


async def test_reads_answer_the_same_without_shortcuts(api, world, db_url, engine, monkeypatch):
    first = await new_opportunity(api, world)
    await new_opportunity(api, world, title="第二个商机", amount=12_345)
    moved = await move(api, "advanceOpportunity", first)
    assert moved["errors"] == [], moved

    general = StrawberryGraphQLCoreExecutionContext
    monkeypatch.setattr(schema_module, "PacerExecutionContext", general)
    monkeypatch.setattr(schema_module, "lean_resolvers", lambda schema: 0)
    plain_app = make_app(db_url, engine)
    transport = httpx.ASGITransport(app=plain_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://pacer.test") as http:
        plain = Api(http, world)
        for query, login in [
            (OPPORTUNITIES, "admin"),
            (OPPORTUNITIES, "rep"),
            (REPS, "manager"),
            (ME, "rep"),
            (MISSING, "admin"),
            (REFUSED, "admin"),
        ]:
            fast_answer, plain_answer = await api(query, as_=login), await plain(query, as_=login)
            assert fast_answer == plain_answer, (query, login)
            assert ("errors" in fast_answer) == (query is REFUSED), fast_answer

    page = (await api(OPPORTUNITIES))["data"]["opportunities"]
    assert page["totalCount"] == 2
    titles = {edge["node"]["title"] for edge in page["edges"]}
    assert titles == {"20 辆换电出租车", "第二个商机"}
