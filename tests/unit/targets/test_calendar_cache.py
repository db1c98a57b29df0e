"""The working calendar's per-process cache: the same answers as asking the `holidays`
package day by day, one table per (country, year, company exceptions of that year), never
an answer from another calendar, and a bounded number of tables. No database."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.targets import periods, rules
from domain.targets.models import PeriodKind
from domain.targets.periods import Period, WorkingCalendar
from domain.targets.progress import expected_share

CN = holidays.country_holidays("CN")
A_WEEKDAY = date(2026, 3, 4)  # a Wednesday worked in China
A_SATURDAY = date(2026, 3, 7)  # an ordinary Saturday off
MARCH = (date(2026, 3, 1), date(2026, 4, 1))


def by_hand(start: date, end: date, exceptions: dict[date, bool]) -> list[date]:
    """The working days of [start, end) asked of `holidays` one day at a time."""
    days = []
    day = start
    while day < end:
        if exceptions.get(day, CN.is_working_day(day)):
            days.append(day)
        day += timedelta(days=1)
    return days


days_2025_2027 = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))


@settings(max_examples=60, deadline=None)
@given(
    start=days_2025_2027,
    length=st.integers(min_value=-3, max_value=800),
    exceptions=st.dictionaries(days_2025_2027, st.booleans(), max_size=6),
)
def test_counts_and_lists_agree_with_holidays_day_by_day(start, length, exceptions):
    end = start + timedelta(days=length)
    calendar = WorkingCalendar("CN", exceptions)
    expected = by_hand(start, end, exceptions)
    assert calendar.working_days(start, end) == len(expected)
    assert list(calendar.working_dates(start, end)) == expected
    day = start
    while day < min(end, start + timedelta(days=40)):
        assert calendar.is_working(day) == (day in expected)
        day += timedelta(days=1)


def test_an_empty_or_backwards_range_has_no_working_days():
    calendar = WorkingCalendar("CN")
    assert calendar.working_days(A_WEEKDAY, A_WEEKDAY) == 0
    assert calendar.working_days(A_WEEKDAY, A_WEEKDAY - timedelta(days=5)) == 0
    assert calendar.working_dates(A_WEEKDAY, A_WEEKDAY) == ()


def test_a_cached_year_never_answers_for_another_company_calendar():
    """Warm the cache with the plain calendar first: a cache keyed on the country alone (or
    on nothing) would then hand the plain answers to the calendars with exceptions."""
    plain = WorkingCalendar("CN")
    base = plain.working_days(*MARCH)
    assert plain.is_working(A_WEEKDAY) and not plain.is_working(A_SATURDAY)

    day_off = WorkingCalendar("CN", {A_WEEKDAY: False})
    assert not day_off.is_working(A_WEEKDAY)
    assert day_off.working_days(*MARCH) == base - 1
    assert A_WEEKDAY not in day_off.working_dates(*MARCH)

    extra_day = WorkingCalendar("CN", {A_SATURDAY: True})
    assert extra_day.is_working(A_SATURDAY)
    assert extra_day.working_days(*MARCH) == base + 1
    assert A_SATURDAY in extra_day.working_dates(*MARCH)

    # The config changes back and forth: each answer follows the calendar asked.
    assert WorkingCalendar("CN", {A_WEEKDAY: False}).working_days(*MARCH) == base - 1
    assert WorkingCalendar("CN").working_days(*MARCH) == base
    assert WorkingCalendar("CN", {A_WEEKDAY: True}).working_days(*MARCH) == base


def test_a_cached_year_never_answers_for_another_country():
    may_day = date(2026, 5, 1)  # a public holiday in China, a working Friday in the US
    assert not WorkingCalendar("CN").is_working(may_day)
    assert WorkingCalendar("US").is_working(may_day)
    independence = date(2026, 7, 3)  # observed in the US, worked in China
    assert WorkingCalendar("CN").is_working(independence)
    assert not WorkingCalendar("US").is_working(independence)


def test_holidays_is_asked_once_per_day_of_a_year_per_calendar(monkeypatch):
    asked: list[date] = []

    class Counting:
        def is_working_day(self, day: date) -> bool:
            asked.append(day)
            return CN.is_working_day(day)

        def get(self, day: date) -> str | None:
            return CN.get(day)

    monkeypatch.setattr(periods, "_country_holidays", lambda country: Counting())
    periods._year_table.cache_clear()
    try:
        for _ in range(3):  # three requests, each with its own calendar object
            calendar = WorkingCalendar("CN")
            calendar.working_days(date(2026, 1, 1), date(2027, 1, 1))
            calendar.working_dates(date(2026, 1, 1), date(2027, 1, 1))
            calendar.is_working(A_WEEKDAY)
        assert len(asked) == 365
        # An exception in another year leaves 2026's table shared.
        WorkingCalendar("CN", {date(2030, 1, 2): False}).working_days(*MARCH)
        assert len(asked) == 365
        # One in 2026 makes a new 2026 table (the exception's own day is not asked).
        WorkingCalendar("CN", {A_WEEKDAY: False}).working_days(*MARCH)
        assert len(asked) == 365 + 364
    finally:
        periods._year_table.cache_clear()


def test_the_cache_is_bounded():
    info = periods._year_table.cache_info()
    assert info.maxsize == periods.YEAR_TABLES
    for offset in range(periods.YEAR_TABLES + 10):  # a calendar changed many times
        WorkingCalendar("CN", {date(2026, 1, 1) + timedelta(days=offset): True}).is_working(
            A_WEEKDAY
        )
    assert periods._year_table.cache_info().currsize <= periods.YEAR_TABLES


@pytest.mark.parametrize(
    "profile", [None, {}, {1: 0.0, 2: 0.0}, {1: 5.0, 2: 1.0, 3: 2.0, 12: 9.0}, {7: 3.0}]
)
@pytest.mark.parametrize(
    ("kind", "start"),
    [
        (PeriodKind.YEAR, date(2026, 1, 1)),
        (PeriodKind.QUARTER, date(2026, 1, 1)),
        (PeriodKind.MONTH, date(2026, 2, 1)),
        (PeriodKind.WEEK, date(2026, 2, 16)),  # all Spring Festival: no working day
        (PeriodKind.WEEK, date(2026, 12, 28)),  # across the new year
    ],
)
def test_expected_share_from_the_cache_equals_the_rule_day_by_day(kind, start, profile):
    calendar = WorkingCalendar("CN", {date(2026, 1, 5): False})
    period = Period.of(kind, start)
    cutoffs = [period.start - timedelta(days=1), period.start, period.end]
    cutoffs += [period.start + timedelta(days=n) for n in (1, 3, 10, 45, 200)]
    for cutoff in cutoffs:
        cutoff = min(cutoff, period.end)
        expected = rules.expected_share(period.days(), cutoff, calendar.is_working, profile)
        assert expected_share(calendar, period, cutoff, profile) == expected
