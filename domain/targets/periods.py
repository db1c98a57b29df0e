"""Calendar-aligned planning periods and the company's working calendar.

A week is an ISO week (Monday to Sunday). It belongs to the month, quarter and year of its
Thursday — the ISO rule — so every week sits in exactly one month and splits sum exactly."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from domain.errors import InvalidInput
from domain.targets.errors import TargetError
from domain.targets.models import PeriodKind

_ORDER = [PeriodKind.YEAR, PeriodKind.QUARTER, PeriodKind.MONTH, PeriodKind.WEEK]


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    kind: PeriodKind
    start: date

    @classmethod
    def of(cls, kind: PeriodKind, start: date) -> Period:
        """The period of `kind` starting on `start`; PERIOD_NOT_ALIGNED when it cannot."""
        aligned = {
            PeriodKind.YEAR: start.month == 1 and start.day == 1,
            PeriodKind.QUARTER: start.month in (1, 4, 7, 10) and start.day == 1,
            PeriodKind.MONTH: start.day == 1,
            PeriodKind.WEEK: start.weekday() == 0,
        }[kind]
        if not aligned:
            first = {
                PeriodKind.YEAR: ("1 月 1 日", "1 January"),
                PeriodKind.QUARTER: ("季度首日", "the first day of a quarter"),
                PeriodKind.MONTH: ("每月 1 日", "the first day of a month"),
                PeriodKind.WEEK: ("周一", "a Monday"),
            }[kind]
            raise InvalidInput(
                TargetError.PERIOD_NOT_ALIGNED,
                f"{kind.label_zh}必须从{first[0]}开始",
                f"A {kind.label_en.lower()} must start on {first[1]}",
                "period_start",
            )
        return cls(kind, start)

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        if kind == PeriodKind.WEEK:
            return cls(kind, day - timedelta(days=day.weekday()))
        if kind == PeriodKind.MONTH:
            return cls(kind, day.replace(day=1))
        if kind == PeriodKind.QUARTER:
            return cls(kind, date(day.year, (day.month - 1) // 3 * 3 + 1, 1))
        return cls(kind, date(day.year, 1, 1))

    @property
    def end(self) -> date:
        """The first day after the period."""
        months = {PeriodKind.YEAR: 12, PeriodKind.QUARTER: 3, PeriodKind.MONTH: 1}
        if self.kind == PeriodKind.WEEK:
            return self.start + timedelta(days=7)
        return _add_months(self.start, months[self.kind])

    @property
    def anchor(self) -> date:
        """The day that decides which larger period a week belongs to (its Thursday)."""
        return self.start + timedelta(days=3) if self.kind == PeriodKind.WEEK else self.start

    def days(self) -> Iterator[date]:
        day = self.start
        while day < self.end:
            yield day
            day += timedelta(days=1)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def splits_into(self, kind: PeriodKind) -> bool:
        return _ORDER.index(kind) > _ORDER.index(self.kind)

    def children(self, kind: PeriodKind) -> list[Period]:
        """The periods of `kind` that make up this one (weeks by their Thursday)."""
        if not self.splits_into(kind):
            raise InvalidInput(
                TargetError.INVALID_SPLIT,
                f"{self.kind.label_zh}不能拆分为{kind.label_zh}",
                f"A {self.kind.label_en.lower()} cannot be split into {kind.label_en.lower()}s",
                "into",
            )
        if kind == PeriodKind.WEEK:
            monday = self.start - timedelta(days=self.start.weekday())
            weeks = []
            while monday < self.end:
                week = Period(kind, monday)
                if self.contains(week.anchor):
                    weeks.append(week)
                monday += timedelta(days=7)
            return weeks
        step = {PeriodKind.QUARTER: 3, PeriodKind.MONTH: 1}[kind]
        count = {PeriodKind.YEAR: 12, PeriodKind.QUARTER: 3}[self.kind] // step
        return [Period(kind, _add_months(self.start, i * step)) for i in range(count)]

    def label(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return f"{self.start.year}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"


@lru_cache(maxsize=64)
def spring_festival(year: int) -> date:
    """The first day of the Chinese New Year holiday in `year` (from the `holidays` data)."""
    days = holidays.country_holidays("CN", years=year, language="en_US")
    return min(day for day, name in days.items() if "Spring Festival" in name)


@lru_cache(maxsize=8)
def _country_holidays(country: str) -> holidays.HolidayBase:
    return holidays.country_holidays(country)


# How many (country, year, company exceptions of that year) tables the process keeps. A
# table is ~10 kB; requests touch a handful of years, and a changed company calendar only
# makes new keys for the years it changes (the old ones age out).
YEAR_TABLES = 128


@dataclass(frozen=True)
class _Year:
    """One year of one calendar, worked out once: whether each day is worked, how many
    working days come before each day, and the working days in order."""

    first: int  # the ordinal of 1 January
    flags: bytes  # by day of the year (0-based): 1 when worked
    before: tuple[int, ...]  # working days before each day of the year; one more at the end
    working: tuple[date, ...]


@lru_cache(maxsize=YEAR_TABLES)
def _year_table(country: str, year: int, exceptions: frozenset[tuple[date, bool]]) -> _Year:
    """The year from the `holidays` package for `country`, with the company's exceptions of
    that year winning. Keyed by everything that decides the answer, so a different company
    calendar is a different entry, never a stale one."""
    source = _country_holidays(country)
    overrides = dict(exceptions)
    first = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - first).days if year < date.max.year else 365
    flags = bytearray(days)
    before = [0] * (days + 1)
    working = []
    count = 0
    for index in range(days):
        day = first + timedelta(days=index)
        worked = overrides[day] if day in overrides else source.is_working_day(day)
        if worked:
            flags[index] = 1
            working.append(day)
            count += 1
        before[index + 1] = count
    return _Year(first.toordinal(), bytes(flags), tuple(before), tuple(working))


class WorkingCalendar:
    """Working days from the `holidays` package for a country — for China including the
    weekend days that are worked to make up for long holidays (调休) — plus the company's
    own extra holidays and working days, which win.

    Each year is worked out once per process and per content (country and that year's
    exceptions; see `_year_table`), so counting the working days of a period or listing
    them costs a lookup, not a call into `holidays` per day."""

    def __init__(self, country: str = "CN", exceptions: Mapping[date, bool] | None = None):
        self.country = country
        self._holidays = _country_holidays(country)
        self._exceptions = {day: bool(worked) for day, worked in (exceptions or {}).items()}
        by_year: dict[int, set[tuple[date, bool]]] = {}
        for day, worked in self._exceptions.items():
            by_year.setdefault(day.year, set()).add((day, worked))
        self._exceptions_by_year = {year: frozenset(days) for year, days in by_year.items()}
        self._years: dict[int, _Year] = {}

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            exceptions = self._exceptions_by_year.get(year, frozenset())
            table = self._years[year] = _year_table(self.country, year, exceptions)
        return table

    def is_working(self, day: date) -> bool:
        table = self._year(day.year)
        return table.flags[day.toordinal() - table.first] == 1

    def working_days(self, start: date, end: date) -> int:
        """Working days in [start, end)."""
        if end <= start:
            return 0
        last = end - timedelta(days=1)
        count = 0
        for year in range(start.year, last.year + 1):
            table = self._year(year)
            low = start.toordinal() - table.first if year == start.year else 0
            high = last.toordinal() - table.first + 1 if year == last.year else len(table.flags)
            count += table.before[high] - table.before[low]
        return count

    def working_dates(self, start: date, end: date) -> tuple[date, ...]:
        """The working days in [start, end), in order."""
        if end <= start:
            return ()
        last = end - timedelta(days=1)
        found: tuple[date, ...] = ()
        for year in range(start.year, last.year + 1):
            table = self._year(year)
            low = start.toordinal() - table.first if year == start.year else 0
            high = last.toordinal() - table.first + 1 if year == last.year else len(table.flags)
            found += table.working[table.before[low] : table.before[high]]
        return found

    def holiday_name(self, day: date) -> str | None:
        return self._holidays.get(day)
