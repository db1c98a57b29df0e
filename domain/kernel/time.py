"""Moments: every stored moment is UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import overload
from zoneinfo import ZoneInfo

from domain.errors import InvalidInput
from domain.kernel.errors import KernelError

# Business dates lie in these years; anything outside is a typo or a probe, and would
# overflow date arithmetic (a year 1 minus a day) or the columns.
FIRST_YEAR, LAST_YEAR = 1970, 2100


@overload
def as_utc(moment: datetime) -> datetime: ...
@overload
def as_utc(moment: None) -> None: ...
@overload
def as_utc(moment: datetime | None) -> datetime | None: ...


def as_utc(moment: datetime | None) -> datetime | None:
    """The moment in UTC. Every stored moment is UTC, and SQLite gives naive datetimes back
    and drops the offset of those it is given, so convert before storing or comparing."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def is_business_date(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


def utc_day_bounds(start: date, end: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the zone's local time, as UTC moments."""
    begin = datetime.combine(start, datetime.min.time(), zone).astimezone(UTC)
    finish = datetime.combine(end + timedelta(days=1), datetime.min.time(), zone).astimezone(UTC)
    return begin, finish


def check_forwards(start: date, end: date, field: str = "to") -> None:
    if end < start:
        raise InvalidInput(
            KernelError.INVALID_RANGE, "日期范围无效", "The range must run forwards", field
        )
