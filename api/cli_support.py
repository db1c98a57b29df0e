"""What every `pacer` command shares: one-line errors and a checked database engine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain import db
from domain.settings import Settings


class CliError(Exception):
    """A problem the user can fix; printed as one line."""


def today_in(settings: Settings) -> date:
    return datetime.now(ZoneInfo(settings.timezone)).date()


async def with_engine(settings: Settings, work: Callable):
    engine = db.create_engine(settings.database_url)
    try:
        if not await db.is_reachable(engine):
            raise CliError(f"cannot reach the database at {safe_url(settings.database_url)}")
        return await work(engine)
    finally:
        await engine.dispose()


def safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
