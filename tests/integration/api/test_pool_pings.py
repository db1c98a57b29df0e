"""A worker's PostgreSQL pool tests a connection before use only when it has been idle
(domain/db.py, `ping_when_idle`), and replaces one the server dropped meanwhile."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from domain import db
from domain.settings import load_settings

BACKEND_PID = text("SELECT pg_backend_pid()")


@pytest.fixture
async def pool(postgres_server_url, db_url):
    """A one-connection server pool on the test database; idle means 0.3 s here. Yields the
    engine and the list of the pings it makes."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has no server to lose a connection")
    settings = load_settings(
        database_url=db_url, db_pool_size=1, db_max_overflow=0, db_ping_after_idle_seconds=0.3
    )
    engine = db.server_engine(settings)
    dialect, pings = engine.sync_engine.dialect, []
    ping = dialect.do_ping

    def counted(dbapi_connection):
        pings.append(dbapi_connection)
        return ping(dbapi_connection)

    dialect.do_ping = counted
    yield engine, pings
    await engine.dispose()


async def backend_pid(engine) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(BACKEND_PID)).scalar_one()


async def terminate(db_url: str, pid: int) -> None:
    """The server drops that connection, as a restart or a proxy would."""
    other = db.create_engine(db_url)
    async with other.connect() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    await other.dispose()


async def test_a_connection_in_use_is_not_tested_one_left_idle_is(pool):
    engine, pings = pool
    first = await backend_pid(engine)
    assert await backend_pid(engine) == first
    assert pings == []  # fresh, then back in the pool a moment ago
    await asyncio.sleep(0.4)
    assert await backend_pid(engine) == first
    assert len(pings) == 1


async def test_a_connection_the_server_dropped_while_idle_is_replaced(pool, db_url):
    engine, pings = pool
    first = await backend_pid(engine)
    await terminate(db_url, first)
    await asyncio.sleep(0.4)
    replaced = await backend_pid(engine)  # no error: the test failed, a new connection served
    assert replaced != first
    assert len(pings) == 1


async def test_a_connection_dropped_while_in_use_fails_one_statement_and_the_pool_recovers(
    pool, db_url
):
    """The price of not testing every checkout: a connection the server dropped less than the
    idle time ago fails the statement that meets it; the pool is then renewed, and the next
    statement runs on a new connection."""
    engine, pings = pool
    first = await backend_pid(engine)
    await terminate(db_url, first)
    with pytest.raises(DBAPIError) as failed:
        await backend_pid(engine)
    assert failed.value.connection_invalidated
    assert await backend_pid(engine) != first
    assert pings == []
