"""Keyset pagination shared by every list use-case."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import InvalidInput
from domain.kernel.errors import KernelError

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    has_next: bool
    has_previous: bool
    total: int


def check_page_size(first: int, cap: int) -> None:
    if first < 0 or first > cap:
        raise InvalidInput(
            KernelError.INVALID_PAGE_SIZE,
            f"每页条数必须在 0 到 {cap} 之间",
            f"`first` must be between 0 and {cap}",
            "first",
        )


async def fetch_page(
    session: AsyncSession, stmt: Select[Any], id_column: Any, after_id: int | None, first: int
) -> Page[Any]:
    """Rows of `stmt` ordered by `id_column`, after `after_id`, at most `first` of them.
    The total is counted by a second statement unless the first page holds every row."""
    page_stmt = stmt.order_by(id_column).limit(first + 1)
    if after_id is not None:
        page_stmt = page_stmt.where(id_column > after_id)
    rows = list((await session.scalars(page_stmt)).unique())
    if after_id is None and len(rows) <= first:
        total = len(rows)
    else:
        count = select(func.count()).select_from(stmt.order_by(None).subquery())
        total = await session.scalar(count) or 0
    return Page(
        items=rows[:first],
        has_next=len(rows) > first,
        has_previous=after_id is not None,
        total=total,
    )
