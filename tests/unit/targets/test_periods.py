from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidInput
from domain.targets.models import PeriodKind
from domain.targets.periods import Period, WorkingCalendar

Y, Q, M, W = PeriodKind.YEAR, PeriodKind.QUARTER, PeriodKind.MONTH, PeriodKind.WEEK


@pytest.mark.parametrize(
    ("kind", "start"),
    [(Y, date(2026, 2, 1)), (Q, date(2026, 2, 1)), (M, date(2026, 2, 2)), (W, date(2026, 2, 3))],
)
def test_unaligned_periods_are_refused(kind, start):
    with pytest.raises(InvalidInput) as caught:
        Period.of(kind, start)
    assert (caught.value.code, caught.value.field) == ("PERIOD_NOT_ALIGNED", "period_start")


def test_ends_and_labels():
    assert Period.of(Y, date(2026, 1, 1)).end == date(2027, 1, 1)
    assert Period.of(Q, date(2026, 10, 1)).end == date(2027, 1, 1)
    assert Period.of(M, date(2026, 12, 1)).end == date(2027, 1, 1)
    assert Period.of(W, date(2026, 12, 28)).end == date(2027, 1, 4)
    assert [
        Period.of(k, s).label()
        for k, s in [
            (Y, date(2026, 1, 1)),
            (Q, date(2026, 4, 1)),
            (M, date(2026, 3, 1)),
            (W, date(2026, 12, 28)),
        ]
    ] == ["2026", "2026-Q2", "2026-03", "2026-W53"]


def test_children():
    year = Period.of(Y, date(2026, 1, 1))
    assert [p.start.month for p in year.children(M)] == list(range(1, 13))
    assert [p.start.month for p in year.children(Q)] == [1, 4, 7, 10]
    assert len(year.children(W)) == 53  # 2026 is a long ISO year
    with pytest.raises(InvalidInput, match="INVALID_SPLIT"):
        Period.of(M, date(2026, 1, 1)).children(Y)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_every_week_belongs_to_exactly_one_month(day):
    week = Period.containing(W, day)
    owners = [m for m in Period.containing(Y, week.anchor).children(M) if week in m.children(W)]
    assert len(owners) == 1 and owners[0].contains(week.anchor)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.sampled_from([Y, Q, M, W])
)
def test_containing_contains(day, kind):
    period = Period.containing(kind, day)
    assert period.contains(day) and Period.of(kind, period.start) == period
    assert sum(1 for _ in period.days()) == (period.end - period.start).days


def test_china_working_calendar_with_make_up_days():
    calendar = WorkingCalendar("CN")
    assert not calendar.is_working(date(2026, 2, 17))  # Spring Festival
    assert calendar.is_working(date(2026, 2, 14))  # a Saturday worked to make up (调休)
    assert not calendar.is_working(date(2026, 2, 21))  # an ordinary Saturday
    assert calendar.is_working(date(2026, 3, 2))
    assert calendar.holiday_name(date(2026, 10, 1))


def test_company_exceptions_win():
    day_off, extra = date(2026, 3, 6), date(2026, 3, 7)
    calendar = WorkingCalendar("CN", {day_off: False, extra: True})
    assert not calendar.is_working(day_off) and calendar.is_working(extra)
    base = WorkingCalendar("CN").working_days(date(2026, 3, 1), date(2026, 4, 1))
    assert calendar.working_days(date(2026, 3, 1), date(2026, 4, 1)) == base


def test_working_days_of_february_2026_in_china():
    start = date(2026, 2, 1)
    days = WorkingCalendar("CN").working_days(start, start + timedelta(days=28))
    # 20 weekdays less the Spring Festival days off (16-20, 23 Feb) plus the two make-up
    # Saturdays (14 and 28 Feb)
    assert days == 20 - 6 + 2


def test_spring_festival_dates():
    from domain.targets.periods import spring_festival

    assert spring_festival(2026) == date(2026, 2, 17)
    assert spring_festival(2025) == date(2025, 1, 29)
