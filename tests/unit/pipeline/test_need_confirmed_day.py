"""Which day a confirmed need counts on, without a database."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.pipeline.kpis import NEED_BACKFILL_DAYS, need_confirmed_day

ENTERED = date(2026, 12, 4)


def test_the_confirmed_day_when_given_and_plausible():
    assert need_confirmed_day(ENTERED, {"need_confirmed_on": "2026-12-02"}) == date(2026, 12, 2)
    assert need_confirmed_day(ENTERED, {}) == ENTERED
    assert need_confirmed_day(ENTERED, None) == ENTERED


def test_a_future_too_old_or_malformed_day_falls_back_to_the_advance():
    too_old = (ENTERED - timedelta(days=NEED_BACKFILL_DAYS + 1)).isoformat()
    for stated in ("2026-12-05", too_old, "yesterday", 20261202):
        assert need_confirmed_day(ENTERED, {"need_confirmed_on": stated}) == ENTERED


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
def test_the_counted_day_is_never_after_the_advance_nor_older_than_the_backfill(day):
    counted = need_confirmed_day(ENTERED, {"need_confirmed_on": day.isoformat()})
    assert ENTERED - timedelta(days=NEED_BACKFILL_DAYS) <= counted <= ENTERED
    assert counted in (day, ENTERED)
