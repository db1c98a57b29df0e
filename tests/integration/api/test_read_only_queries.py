"""Queries over HTTP on PostgreSQL run in autocommit (api/core/read_only.py); mutations and
everything on a websocket keep their transaction. Measured on the server: a statement run after
another 20 ms later in the same transaction started at least 15 ms after the transaction did
(on its own, within a millisecond)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
import strawberry
from sqlalchemy import text

from api.core.read_only import ReadOnlyQueries

SINCE_TRANSACTION = text(
    "SELECT statement_timestamp() - transaction_timestamp() >= interval '15 milliseconds'"
)


async def later_statement_inside_a_transaction(info: strawberry.Info) -> bool:
    """Two statements 20 ms apart: whether the second ran inside the first's transaction."""
    session = info.context.session
    await session.execute(text("SELECT 1"))
    await asyncio.sleep(0.02)
    return bool((await session.execute(SINCE_TRANSACTION)).scalar())


@strawberry.type
class Query:
    in_transaction: bool = strawberry.field(resolver=later_statement_inside_a_transaction)


@strawberry.type
class Mutation:
    in_transaction: bool = strawberry.field(resolver=later_statement_inside_a_transaction)


SCHEMA = strawberry.Schema(query=Query, mutation=Mutation, extensions=[ReadOnlyQueries])


def context_of(session, transport: str) -> SimpleNamespace:
    return SimpleNamespace(session=session, request=SimpleNamespace(scope={"type": transport}))


async def in_transaction(sessions, operation: str, transport: str) -> bool:
    async with sessions() as session:
        context = context_of(session, transport)
        result = await SCHEMA.execute(f"{operation} {{ inTransaction }}", context_value=context)
        assert result.errors is None, result.errors
        return result.data["inTransaction"]


@pytest.fixture
def postgresql_only(backend):
    if backend != "postgresql":
        pytest.skip("SQLite's driver starts no transaction for a SELECT: nothing to change")


async def test_a_query_over_http_runs_each_statement_on_its_own(postgresql_only, sessions):
    assert await in_transaction(sessions, "query", "http") is False


async def test_a_mutation_keeps_its_transaction(postgresql_only, sessions):
    assert await in_transaction(sessions, "mutation", "http") is True


async def test_a_query_on_a_websocket_keeps_the_transaction(postgresql_only, sessions):
    assert await in_transaction(sessions, "query", "websocket") is True


async def test_a_session_already_in_a_transaction_is_left_in_it(postgresql_only, sessions):
    async with sessions() as session:
        await session.execute(text("SELECT 1"))
        await asyncio.sleep(0.02)
        result = await SCHEMA.execute(
            "{ inTransaction }", context_value=context_of(session, "http")
        )
        assert result.data == {"inTransaction": True}
