"""Queries over HTTP run in autocommit on PostgreSQL (api/core/read_only.py) and refuse to
write on both databases; mutations and everything on a websocket keep their transaction.
Measured on the server: a statement run 20 ms after another in the same transaction started at
least 15 ms after the transaction did (on its own, within a millisecond)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
import strawberry
from sqlalchemy import insert, select, text

from api.core.read_only import ReadOnlyQueries
from domain.pipeline.models import LossReason

SINCE_TRANSACTION = text(
    "SELECT statement_timestamp() - transaction_timestamp() >= interval '15 milliseconds'"
)


async def later_statement_inside_a_transaction(info: strawberry.Info) -> bool:
    """Two statements 20 ms apart: whether the second ran inside the first's transaction."""
    session = info.context.session
    await session.execute(text("SELECT 1"))
    await asyncio.sleep(0.02)
    return bool((await session.execute(SINCE_TRANSACTION)).scalar())


async def add_a_loss_reason(info: strawberry.Info) -> bool:
    info.context.session.add(LossReason(code="read_only_test", label_zh="测试", label_en="Test"))
    await info.context.session.flush()
    return True


async def insert_a_loss_reason(info: strawberry.Info) -> bool:
    values = {"code": "read_only_test", "label_zh": "测试", "label_en": "Test"}
    await info.context.session.execute(insert(LossReason).values(**values))
    return True


@strawberry.type
class Query:
    in_transaction: bool = strawberry.field(resolver=later_statement_inside_a_transaction)
    add: bool = strawberry.field(resolver=add_a_loss_reason)
    insert: bool = strawberry.field(resolver=insert_a_loss_reason)


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


@pytest.mark.parametrize("field", ["add", "insert"])
async def test_a_query_that_tries_to_write_fails_and_stores_nothing(sessions, field):
    async with sessions() as session:
        result = await SCHEMA.execute(f"{{ {field} }}", context_value=context_of(session, "http"))
    assert result.data is None
    assert "a query may not write" in result.errors[0].message
    async with sessions() as session:
        stored = await session.scalar(select(LossReason).where(LossReason.code == "read_only_test"))
    assert stored is None


async def test_a_mutation_writes_as_before(sessions):
    @strawberry.type
    class Writes:
        add: bool = strawberry.field(resolver=add_a_loss_reason)

    schema = strawberry.Schema(query=Query, mutation=Writes, extensions=[ReadOnlyQueries])
    async with sessions() as session:
        result = await schema.execute("mutation { add }", context_value=context_of(session, "http"))
        assert result.errors is None, result.errors
        await session.rollback()
