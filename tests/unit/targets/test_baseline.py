from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidInput
from domain.targets.models import MetricUnit
from domain.targets.planning.baseline import (
    Baseline,
    BaselineSettings,
    Coefficient,
    HistoricDeal,
    iso_week_start,
    modified_z_scores,
    suggest_baseline,
)

MARCH = (date(2026, 3, 1), date(2026, 4, 1))
DAYS_PER_MONTH = 365.2425 / 12


def weekly(first: date, last: date, amount, segment: str = "edu") -> list[HistoricDeal]:
    """One deal every Monday from `first` to `last`; `amount` is a number or f(day)."""
    day, deals = iso_week_start(first), []
    while day <= last:
        value = amount(day) if callable(amount) else amount
        deals.append(HistoricDeal(day, value, False, segment))
        day += timedelta(7)
    return deals


def flat(amount: int = 100_000, until: date = date(2026, 2, 28)) -> list[HistoricDeal]:
    return weekly(date(2024, 1, 1), until, amount)


def step(baseline: Baseline, code: str):
    (found,) = [s for s in baseline.steps if s.code == code]
    return found


def test_iso_week_start_and_modified_z_scores():
    assert iso_week_start(date(2026, 3, 1)) == date(2026, 2, 23)  # a Sunday
    assert iso_week_start(date(2026, 3, 2)) == date(2026, 3, 2)  # a Monday
    assert modified_z_scores([]) == []
    assert modified_z_scores([5, 5, 5, 500]) == [0.0] * 4  # MAD 0: no score
    assert modified_z_scores([1, 2, 3, 4, 100]) == pytest.approx(
        [-1.349, -0.6745, 0, 0.6745, 65.4265]
    )


def test_flat_history_gives_level_times_weeks():
    baseline = suggest_baseline(flat(), date(2026, 3, 2), date(2026, 3, 30))
    assert [s.code for s in baseline.steps] == [
        "HISTORY",
        "OUTLIERS",
        "MOVING_AVERAGE",
        "SEASONALITY",
        "COEFFICIENTS",
        "RAMP",
        "RESULT",
    ]
    assert step(baseline, "MOVING_AVERAGE").value == pytest.approx(400_000)
    assert step(baseline, "SEASONALITY").value == pytest.approx(400_000)  # every index is 1
    assert baseline.amount == 400_000
    assert "1,000.00 a week" in step(baseline, "MOVING_AVERAGE").detail_en
    # a calendar month is 31/7 weeks; 442,857.14 rounds to 442,857
    assert suggest_baseline(flat(), *MARCH).amount == 442_857


def test_history_window_is_the_months_before_the_period():
    deals = [
        HistoricDeal(date(2025, 2, 27), 7, False, "edu"),  # a day too early
        HistoricDeal(date(2025, 2, 28), 100, False, "edu"),  # 18 months before Aug 31
        HistoricDeal(date(2026, 8, 30), 200, False, "edu"),
        HistoricDeal(date(2026, 8, 31), 9, False, "edu"),  # inside the period itself
    ]
    baseline = suggest_baseline(deals, date(2026, 8, 31), date(2026, 9, 30))
    assert step(baseline, "HISTORY").value == 300


def test_flagged_one_offs_are_always_removed():
    deals = [*flat(), HistoricDeal(date(2025, 10, 8), 100_000, True, "edu")]
    baseline = suggest_baseline(deals, *MARCH)
    outliers = step(baseline, "OUTLIERS")
    assert step(baseline, "HISTORY").value - outliers.value == 100_000
    assert outliers.detail_en.startswith("Removed 1 one-off orders (1 flagged, 0 by the outlier")
    assert "剔除 1 笔" in outliers.detail_zh


def spread(day: date) -> int:
    return (90_000, 100_000, 110_000)[day.toordinal() // 7 % 3]


def test_a_huge_unflagged_deal_is_removed_by_the_mad_test():
    deals = [*flat(spread), HistoricDeal(date(2025, 12, 3), 5_000_000, False, "edu")]
    baseline = suggest_baseline(deals, *MARCH)
    assert step(baseline, "HISTORY").value - step(baseline, "OUTLIERS").value == 5_000_000
    assert (
        "(0 flagged, 1 by the outlier test) worth 50,000.00" in step(baseline, "OUTLIERS").detail_en
    )
    assert baseline.amount == suggest_baseline(flat(spread), *MARCH).amount


def test_a_normal_spread_and_small_deals_are_kept():
    tiny = HistoricDeal(date(2025, 12, 3), 1, False, "edu")  # far below the median: kept
    baseline = suggest_baseline([*flat(spread), tiny], *MARCH)
    assert step(baseline, "OUTLIERS").value == step(baseline, "HISTORY").value
    assert step(baseline, "OUTLIERS").detail_en.startswith("Removed 0 one-off orders")
    # a strict threshold does remove the high end of the same spread
    strict = suggest_baseline(
        flat(spread), *MARCH, settings=BaselineSettings(outlier_threshold=0.5)
    )
    assert step(strict, "OUTLIERS").value < step(strict, "HISTORY").value


def test_spring_festival_coefficient_reduces_exactly_the_covered_days():
    # Spring Festival 2027 is on 6 February: the 45 days before start on 23 December 2026.
    festival = Coefficient("春节备货", date(2026, 12, 23), date(2027, 2, 5), 0.8, None)
    december = (date(2026, 12, 1), date(2027, 1, 1))
    baseline = suggest_baseline(flat(until=date(2026, 11, 30)), *december, [festival])
    daily = 100_000 / 7
    assert step(baseline, "SEASONALITY").value == pytest.approx(31 * daily)
    assert step(baseline, "COEFFICIENTS").value == pytest.approx(22 * daily + 9 * daily * 0.8)
    assert step(baseline, "COEFFICIENTS").detail_en == "春节备货 ×0.8 on 9 days"
    assert "覆盖 9 天" in step(baseline, "COEFFICIENTS").detail_zh


def test_coefficient_dates_are_inclusive():
    school = Coefficient("寒假前两周", date(2026, 3, 1), date(2026, 3, 14), 1.3, None)
    baseline = suggest_baseline(flat(), *MARCH, [school])
    daily = 100_000 / 7
    assert step(baseline, "COEFFICIENTS").value == pytest.approx(17 * daily + 14 * daily * 1.3)
    assert step(baseline, "COEFFICIENTS").detail_en == "寒假前两周 ×1.3 on 14 days"


def test_a_coefficient_outside_the_period_changes_nothing():
    later = Coefficient("summer", date(2026, 7, 1), date(2026, 7, 14), 1.3, None)
    baseline = suggest_baseline(flat(), *MARCH, [later])
    assert step(baseline, "COEFFICIENTS").value == step(baseline, "SEASONALITY").value
    assert step(baseline, "COEFFICIENTS").detail_en == "No business coefficient covers the period"


def test_a_segment_coefficient_blends_by_the_segment_share():
    start, end = date(2024, 1, 1), date(2026, 2, 28)
    deals = weekly(start, end, 30_000, "education") + weekly(start, end, 70_000, "manufacturing")
    holidays = Coefficient("寒假前两周", date(2026, 1, 1), date(2026, 12, 31), 1.3, "education")
    baseline = suggest_baseline(deals, *MARCH, [holidays])
    # education is 30% of the history: 1 + 0.3 × (1.3 − 1) = 1.09 on every day
    assert step(baseline, "COEFFICIENTS").value == pytest.approx(
        step(baseline, "SEASONALITY").value * 1.09
    )
    assert "(30% of history, ×1.09 overall) on 31 days" in step(baseline, "COEFFICIENTS").detail_en
    unknown = Coefficient("retail push", date(2026, 3, 1), date(2026, 3, 31), 2.0, "retail")
    baseline = suggest_baseline(deals, *MARCH, [unknown])
    assert step(baseline, "COEFFICIENTS").value == step(baseline, "SEASONALITY").value


def test_a_new_rep_gets_the_ramp():
    hire = date(2026, 1, 1)
    baseline = suggest_baseline(flat(), *MARCH, hire_date=hire)
    daily = step(baseline, "COEFFICIENTS").value / 31
    expected = sum(
        daily * (0.3 + 0.7 * ((date(2026, 3, d) - hire).days / DAYS_PER_MONTH) / 6)
        for d in range(1, 32)
    )
    assert step(baseline, "RAMP").value == pytest.approx(expected)
    assert 0.3 * 31 * daily < baseline.amount < 0.6 * 31 * daily
    assert step(baseline, "RAMP").detail_en.startswith("Hired on 2026-01-01: 0 days before")


def test_days_before_the_hire_date_count_zero():
    last_day = suggest_baseline(flat(), *MARCH, hire_date=date(2026, 3, 31))
    assert step(last_day, "RAMP").value == pytest.approx(100_000 / 7 * 0.3)
    assert "30 days before the hire date count 0" in step(last_day, "RAMP").detail_en
    after = suggest_baseline(flat(), *MARCH, hire_date=date(2026, 4, 1))
    assert after.amount == 0 and step(after, "RAMP").value == 0
    assert step(after, "RAMP").detail_en == "Hired on 2026-04-01, after the period: 0"


def test_a_senior_rep_is_unchanged():
    senior = suggest_baseline(flat(), *MARCH, hire_date=date(2019, 5, 6))
    assert step(senior, "RAMP").value == step(senior, "COEFFICIENTS").value
    assert step(senior, "RAMP").detail_en == "Not a new rep: no ramp"
    assert senior.amount == suggest_baseline(flat(), *MARCH).amount


def december_doubles(day: date) -> int:
    return 2_000 if (day + timedelta(3)).month == 12 else 1_000


def test_december_target_is_about_twice_march():
    history = weekly(date(2023, 1, 2), date(2026, 12, 31), december_doubles)
    december = suggest_baseline(history, date(2025, 12, 1), date(2026, 1, 1))
    march = suggest_baseline(history, *MARCH)
    assert december.amount / march.amount == pytest.approx(2, rel=0.05)
    assert "Dec 1." in step(december, "SEASONALITY").detail_en
    assert "12月" in step(december, "SEASONALITY").detail_zh
    # Without the profile the March level, averaged over Dec-Feb, would look inflated.
    assert step(march, "SEASONALITY").value < step(march, "MOVING_AVERAGE").value


def test_less_than_a_year_of_history_has_no_seasonality():
    baseline = suggest_baseline(weekly(date(2025, 9, 1), date(2026, 2, 28), 1_000), *MARCH)
    assert step(baseline, "SEASONALITY").value == pytest.approx(31 / 7 * 1_000)
    assert step(baseline, "MOVING_AVERAGE").value == pytest.approx(31 / 7 * 1_000)
    assert "less than 12 months: no seasonal adjustment" in step(baseline, "SEASONALITY").detail_en


def test_moving_average_uses_fewer_weeks_when_history_is_short():
    deals = weekly(date(2026, 2, 2), date(2026, 2, 28), 5)  # four weeks, counts
    baseline = suggest_baseline(deals, date(2026, 3, 2), date(2026, 3, 9), unit=MetricUnit.COUNT)
    assert baseline.amount == 5
    assert step(baseline, "MOVING_AVERAGE").detail_en.startswith("Average of the last 4 weeks: 5.0")


def test_partial_weeks_at_the_edges_do_not_read_as_slow_weeks():
    every_day = [HistoricDeal(date(2025, 1, 1) + timedelta(n), 1, False, "edu") for n in range(500)]
    wednesday = date(2026, 3, 4)  # the Monday and Tuesday before it are a partial week
    baseline = suggest_baseline(
        every_day, wednesday, wednesday + timedelta(7), unit=MetricUnit.COUNT
    )
    assert step(baseline, "MOVING_AVERAGE").value == 7
    assert baseline.amount == 7
    # one month back is Wednesday 4 February: the window's first days are a partial week too
    short = BaselineSettings(history_months=1)
    baseline = suggest_baseline(every_day, wednesday, wednesday + timedelta(7), settings=short)
    assert step(baseline, "MOVING_AVERAGE").detail_en.startswith("Average of the last 3 weeks")
    assert baseline.amount == 7


def test_no_history_gives_zero_with_a_reason():
    for deals in ([], [HistoricDeal(date(2025, 6, 2), 10**9, True, "edu")]):
        baseline = suggest_baseline(deals, *MARCH)
        assert baseline.amount == 0
        assert "No usable history in the 18 months" in step(baseline, "MOVING_AVERAGE").detail_en
        assert "基线为 0" in step(baseline, "MOVING_AVERAGE").detail_zh
        assert step(baseline, "RESULT").value == 0


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"period_end": date(2026, 3, 1)}, "INVALID_PERIOD", "period"),
        ({"period_end": date(2026, 2, 1)}, "INVALID_PERIOD", "period"),
        (
            {"coefficients": [Coefficient("x", date(2026, 3, 1), date(2026, 3, 2), 0, None)]},
            "INVALID_MULTIPLIER",
            "coefficients",
        ),
        (
            {"coefficients": [Coefficient("x", date(2026, 3, 2), date(2026, 3, 1), 1.2, None)]},
            "INVALID_COEFFICIENT_DATES",
            "coefficients",
        ),
        (
            {
                "coefficients": [
                    Coefficient("x", date(2026, 3, 1), date(2026, 3, 2), math.inf, None)
                ]
            },
            "INVALID_MULTIPLIER",
            "coefficients",
        ),
        ({"settings": BaselineSettings(moving_average_weeks=0)}, "INVALID_SETTINGS", "settings"),
        ({"settings": BaselineSettings(ramp_floor=1.5)}, "INVALID_SETTINGS", "settings"),
        ({"deals": [HistoricDeal(date(2026, 1, 5), -1, False, "edu")]}, "INVALID_AMOUNT", "deals"),
    ],
)
def test_invalid_input(kwargs, code, field):
    arguments = {"deals": flat(), "period_start": date(2026, 3, 1), "period_end": date(2026, 4, 1)}
    with pytest.raises(InvalidInput) as raised:
        suggest_baseline(**(arguments | kwargs))
    assert raised.value.code == code and raised.value.field == field
    assert raised.value.message_zh and raised.value.message_en


# --- properties -------------------------------------------------------------------------

days = st.dates(min_value=date(2024, 6, 1), max_value=date(2026, 6, 30))
deal_lists = st.lists(
    st.builds(
        HistoricDeal,
        close_date=days,
        amount=st.integers(min_value=0, max_value=10**7),
        one_off=st.booleans(),
        segment=st.sampled_from(["edu", "mfg"]),
    ),
    max_size=40,
)
coefficient_lists = st.lists(
    st.builds(
        lambda start, length, multiplier, segment: Coefficient(
            "event", start, start + timedelta(length), multiplier, segment
        ),
        days,
        st.integers(min_value=0, max_value=60),
        st.floats(min_value=0.1, max_value=3),
        st.sampled_from([None, "edu", "mfg"]),
    ),
    max_size=3,
)
periods = st.tuples(
    st.dates(min_value=date(2025, 6, 1), max_value=date(2026, 6, 1)),
    st.integers(min_value=1, max_value=120),
).map(lambda p: (p[0], p[0] + timedelta(p[1])))
hires = st.none() | st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 9, 30))


@given(deal_lists, periods, coefficient_lists, hires)
def test_amount_is_never_negative_and_deterministic(deals, period, coefficients, hire):
    first = suggest_baseline(deals, *period, coefficients, hire)
    assert first.amount >= 0
    assert suggest_baseline(list(deals), *period, list(coefficients), hire) == first
    assert suggest_baseline(deals[::-1], *period, coefficients, hire).amount == first.amount


@given(deal_lists, periods, coefficient_lists, hires, st.integers(min_value=1, max_value=1000))
def test_scaling_every_deal_scales_the_result(deals, period, coefficients, hire, k):
    scaled = [HistoricDeal(d.close_date, d.amount * k, d.one_off, d.segment) for d in deals]
    one = suggest_baseline(deals, *period, coefficients, hire)
    many = suggest_baseline(scaled, *period, coefficients, hire)
    exact = k * step(one, "RAMP").value
    assert step(many, "RAMP").value == pytest.approx(exact, rel=1e-9, abs=1e-6)
    assert abs(many.amount - k * one.amount) <= (k + 1) / 2 + 1e-9 * exact


@given(
    deal_lists,
    periods,
    coefficient_lists,
    hires,
    st.builds(
        HistoricDeal,
        close_date=days,
        amount=st.integers(min_value=0, max_value=10**15),
        one_off=st.just(True),
        segment=st.sampled_from(["edu", "mfg", "other"]),
    ),
    st.integers(min_value=0, max_value=40),
)
def test_a_flagged_one_off_never_changes_the_result(deals, period, coefficients, hire, extra, at):
    before = suggest_baseline(deals, *period, coefficients, hire)
    after = suggest_baseline([*deals[:at], extra, *deals[at:]], *period, coefficients, hire)
    assert after.amount == before.amount
    assert after.steps[2:] == before.steps[2:]
