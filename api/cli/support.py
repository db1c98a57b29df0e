"""What every `pacer` command shares: one-line errors and a checked database engine."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain import db
from domain.kernel.time import FIRST_YEAR, LAST_YEAR, is_business_date
from domain.settings import Settings


class CliError(Exception):
    """A problem the user can fix; printed as one line."""


def business_day(text: str) -> date:
    """An argparse type: a YYYY-MM-DD day between 1970 and 2100."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day (YYYY-MM-DD)") from None
    if not is_business_date(day):
        raise argparse.ArgumentTypeError(f"{text} is not between {FIRST_YEAR} and {LAST_YEAR}")
    return day


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
