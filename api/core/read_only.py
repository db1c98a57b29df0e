"""Queries on PostgreSQL run without a transaction of their own.

A query only reads, and under READ COMMITTED (PostgreSQL's default, and Pacer's) every
statement of a transaction sees its own snapshot anyway: BEGIN and ROLLBACK around a query's
statements change nothing it reads, and cost two round trips per request. So a query sent
over HTTP (one request, one session) takes its connection in autocommit. Mutations keep their
one transaction, and so does everything on a websocket (its session serves every operation
of the connection); SQLite, whose driver starts no transaction for a SELECT, is left as it
is. Nothing would roll back a write made in autocommit, so a query's session refuses any, on
both databases: an INSERT, UPDATE or DELETE, or a flush of changed rows, raises
`WriteInQuery` (the query fails with INTERNAL_SERVER_ERROR and nothing is stored)."""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import ORMExecuteState, Session
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

_AUTOCOMMIT: weakref.WeakKeyDictionary[AsyncEngine, AsyncEngine] = weakref.WeakKeyDictionary()


def autocommit(engine: AsyncEngine) -> AsyncEngine:
    """The engine's autocommit twin (the same pool), made once."""
    twin = _AUTOCOMMIT.get(engine)
    if twin is None:
        twin = _AUTOCOMMIT[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return twin


READ_ONLY = "pacer.read_only"


class WriteInQuery(RuntimeError):
    """A query tried to write: queries run in autocommit, where nothing would roll it back."""


@event.listens_for(Session, "do_orm_execute")
def _refuse_statements_that_write(state: ORMExecuteState) -> None:
    if state.session.info.get(READ_ONLY) and state.statement.is_dml:
        raise WriteInQuery(f"a query may not write: {str(state.statement)[:80]}")


@event.listens_for(Session, "before_flush")
def _refuse_flushing_changes(session: Session, _flush_context, _instances) -> None:
    if not session.info.get(READ_ONLY):
        return
    if session.new or session.deleted or any(map(session.is_modified, session.dirty)):
        raise WriteInQuery("a query may not write: changed rows were about to be flushed")


class ReadOnlyQueries(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        session = getattr(execution.context, "session", None)
        if (
            session is not None
            and execution.operation_type is OperationType.QUERY
            and execution.context.request.scope["type"] == "http"
        ):
            session.info[READ_ONLY] = True  # on SQLite too: the same query fails the same way
            if session.bind.dialect.name == "postgresql" and not session.in_transaction():
                session.bind = autocommit(session.bind)  # checks out nothing until it reads
        yield
