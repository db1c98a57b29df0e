"""Helpers for the models' SQL."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.actor import Actor, per_actor
from domain.labels import LabelledEnum

IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
"""The ids of a statement of `by_ids`, given at execution: `{"ids": [...]}`."""


def one_of(column: str, enum_cls: type[LabelledEnum]) -> str:
    values = ", ".join(f"'{member.value}'" for member in enum_cls)
    return f"{column} IN ({values})"


def by_ids(
    model: Any, visible: Callable[[Actor], ColumnElement[bool]], *options: Any
) -> Callable[[Actor], Select[Any]]:
    """The statement reading the rows of `model` with the given ids that the actor sees, built
    once per caller (`per_actor`) and run with `rows_by_ids`. A DataLoader's batch runs one
    per relation per request; building its `IN` and scope clauses and their cache key cost
    about as much as the SQL driver's part of running it."""

    @per_actor
    def statement(actor: Actor) -> Select[Any]:
        return select(model).options(*options).where(model.id.in_(IDS), visible(actor))

    return statement


def ids_of(ids: Iterable[int]) -> dict[str, list[int]]:
    """The parameters of a statement filtering on `IDS`."""
    return {"ids": list(set(ids))}


async def rows_by_ids(
    session: AsyncSession, statement: Select[Any], ids: Iterable[int]
) -> dict[int, Any]:
    """The rows of a `by_ids` statement by id."""
    return {row.id: row for row in await session.scalars(statement, ids_of(ids))}
