"""Queries on PostgreSQL run without a transaction of their own.

A query only reads, and under READ COMMITTED (PostgreSQL's default, and Pacer's) every
statement of a transaction sees its own snapshot anyway: BEGIN and ROLLBACK around a query's
statements change nothing it reads, and cost two round trips per request. So a query sent
over HTTP (one request, one session) takes its connection in autocommit. Mutations keep their
one transaction, and so does everything on a websocket (its session serves every operation
of the connection); SQLite, whose driver starts no transaction for a SELECT, is left as it
is."""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

_AUTOCOMMIT: weakref.WeakKeyDictionary[AsyncEngine, AsyncEngine] = weakref.WeakKeyDictionary()


def autocommit(engine: AsyncEngine) -> AsyncEngine:
    """The engine's autocommit twin (the same pool), made once."""
    twin = _AUTOCOMMIT.get(engine)
    if twin is None:
        twin = _AUTOCOMMIT[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return twin


class ReadOnlyQueries(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        session = getattr(execution.context, "session", None)
        if (
            session is not None
            and execution.operation_type is OperationType.QUERY
            and execution.context.request.scope["type"] == "http"
            and session.bind.dialect.name == "postgresql"
            and not session.in_transaction()
        ):
            session.bind = autocommit(session.bind)  # a query that reads nothing checks out nothing
        yield
