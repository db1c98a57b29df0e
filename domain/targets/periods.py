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


class WorkingCalendar:
    """Working days from the `holidays` package for a country — for China including the
    weekend days that are worked to make up for long holidays (调休) — plus the company's
    own extra holidays and working days, which win."""

    def __init__(self, country: str = "CN", exceptions: Mapping[date, bool] | None = None):
        self._holidays = _country_holidays(country)
        self._exceptions = dict(exceptions or {})

    def is_working(self, day: date) -> bool:
        if day in self._exceptions:
            return self._exceptions[day]
        return self._holidays.is_working_day(day)

    def working_days(self, start: date, end: date) -> int:
        """Working days in [start, end)."""
        count, day = 0, start
        while day < end:
            count += self.is_working(day)
            day += timedelta(days=1)
        return count

    def holiday_name(self, day: date) -> str | None:
        return self._holidays.get(day)
