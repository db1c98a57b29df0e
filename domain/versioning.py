"""Optimistic concurrency shared by every versioned row (targets, opportunities): the caller
sends the version it read; a stale one, or a concurrent writer, is STALE_VERSION."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from domain.errors import Conflict
from domain.kernel.errors import KernelError


class Versioned(Protocol):
    version: int


def check_version(row: Versioned, expected: int, field: str = "expected_version") -> None:
    if row.version != expected:
        raise Conflict(
            KernelError.STALE_VERSION,
            f"数据已更新到第 {row.version} 版，请刷新后重试",
            f"It is at version {row.version}, not {expected}: reload and retry",
            field,
        )


async def flush_versioned(session: AsyncSession, field: str = "expected_version") -> None:
    """Flush; a row changed by someone else since it was read becomes STALE_VERSION."""
    try:
        await session.flush()
    except StaleDataError:
        raise Conflict(
            KernelError.STALE_VERSION,
            "数据已被他人修改，请刷新后重试",
            "Someone changed it meanwhile: reload and try again",
            field,
        ) from None
