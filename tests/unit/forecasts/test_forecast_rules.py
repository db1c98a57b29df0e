"""The plain rules of forecasting: categories, the week of a call and its freeze, the roll-up,
the call of record of a closed period, scoring, and the alert's judgement."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidInput
from domain.forecasts import rules
from domain.forecasts.alerts import Clear, ForecastThresholds, Risk, UnitCall, judge
from domain.forecasts.models import ForecastCategory
from domain.forecasts.rules import CallAmounts
from domain.kernel.severity import Severity
from domain.pipeline.stages import Stage
from domain.targets.models import PeriodKind
from domain.targets.periods import Period

MONDAY = date(2026, 11, 16)
NOVEMBER = Period(PeriodKind.MONTH, date(2026, 11, 1))


def code_of(call, *args) -> str:
    with pytest.raises(InvalidInput) as refused:
        call(*args)
    return str(refused.value.code)


# --- categories ---------------------------------------------------------------------------


@pytest.mark.parametrize("stored", ["pipeline", "best_case", "commit", "omitted"])
def test_an_open_deal_reads_its_owners_category_and_a_closed_one_its_outcome(stored):
    assert rules.effective_category(Stage.PROPOSAL.value, stored) == ForecastCategory(stored)
    assert rules.effective_category(Stage.WON.value, stored) == ForecastCategory.WON
    assert rules.effective_category(Stage.LOST.value, stored) == ForecastCategory.OMITTED


def test_won_cannot_be_set_by_hand():
    assert code_of(rules.check_settable, ForecastCategory.WON) == "INVALID_CATEGORY"
    assert rules.check_settable(ForecastCategory.COMMIT) == ForecastCategory.COMMIT


# --- the week of a call -------------------------------------------------------------------


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
def test_a_call_belongs_to_the_iso_week_of_today(today):
    week = rules.call_week(None, today)
    assert week.weekday() == 0 and week <= today < week + timedelta(days=7)
    assert rules.call_week(week, today) == week


def test_a_past_week_is_frozen_and_a_future_one_not_open():
    today = MONDAY + timedelta(days=3)
    assert code_of(rules.call_week, MONDAY - timedelta(days=7), today) == "WEEK_FROZEN"
    assert code_of(rules.call_week, MONDAY + timedelta(days=7), today) == "WEEK_NOT_STARTED"
    assert code_of(rules.call_week, MONDAY + timedelta(days=1), today) == "INVALID_WEEK"


def test_a_call_is_for_an_aligned_month_or_quarter_not_yet_ended():
    assert rules.call_period(PeriodKind.QUARTER, date(2026, 10, 1)).end == date(2027, 1, 1)
    assert code_of(rules.call_period, PeriodKind.QUARTER, date(2026, 11, 1)) == "INVALID_PERIOD"
    assert code_of(rules.call_period, PeriodKind.WEEK, MONDAY) == "INVALID_PERIOD"
    assert code_of(rules.call_period, PeriodKind.MONTH, date(2026, 11, 2)) == "INVALID_PERIOD"
    october = Period(PeriodKind.MONTH, date(2026, 10, 1))
    assert code_of(rules.check_period_open, october, MONDAY) == "PERIOD_CLOSED"
    rules.check_period_open(october, date(2026, 10, 26))  # the week still in October: open


def test_only_revenue_is_called():
    assert rules.check_metric("revenue") == "revenue"
    assert code_of(rules.check_metric, "deals_won") == "UNSUPPORTED_METRIC"


# --- amounts and roll-ups -----------------------------------------------------------------


def test_amounts_are_given_not_negative_and_best_case_covers_commit():
    assert rules.check_amounts(5, 5) == CallAmounts(5, 5)
    assert code_of(rules.check_amounts, None, 5) == "AMOUNT_REQUIRED"
    assert code_of(rules.check_amounts, -1, 5) == "NEGATIVE_AMOUNT"
    assert code_of(rules.check_amounts, 6, 5) == "BEST_CASE_BELOW_COMMIT"


amounts = st.builds(
    lambda a, b: CallAmounts(a, a + b),
    st.integers(0, 10**12),
    st.integers(0, 10**12),
)


@given(st.lists(st.one_of(st.none(), amounts), max_size=12))
def test_the_roll_up_sums_the_calls_below_and_keeps_best_case_above_commit(calls):
    total = rules.roll_up(calls)
    present = [c for c in calls if c is not None]
    assert total.commit == sum(c.commit for c in present)
    assert total.best_case == sum(c.best_case for c in present)
    assert total.best_case >= total.commit


@given(st.lists(st.dates(date(2026, 1, 5), date(2026, 12, 28)), unique=True, max_size=10))
def test_the_standing_call_is_the_latest_not_after_the_week(weeks):
    calls = [(week, week.isoformat()) for week in weeks]
    standing = rules.latest_by_week(calls, MONDAY)
    earlier = [w for w in weeks if w <= MONDAY]
    assert standing == (max(earlier).isoformat() if earlier else None)


def test_the_call_of_record_is_the_last_frozen_before_the_period_began():
    weeks = [date(2026, 10, 19), date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9)]
    calls = [(week, f"call of {week}") for week in weeks]
    assert rules.call_of_record(calls, NOVEMBER) == "call of 2026-10-26"
    inside_only = calls[2:]
    assert rules.call_of_record(inside_only, NOVEMBER) == "call of 2026-11-02"
    assert rules.call_of_record([], NOVEMBER) is None
    after = [(date(2026, 12, 7), "too late")]
    assert rules.call_of_record(after, NOVEMBER) is None


# --- scoring ------------------------------------------------------------------------------


@given(st.integers(0, 10**12), st.integers(1, 10**12))
def test_error_is_the_size_of_the_bias(forecast, actual):
    result = rules.score(forecast, actual)
    assert result.bias is not None and result.error == pytest.approx(abs(result.bias))
    assert (result.bias > 0) == (forecast > actual)
    assert result.bias == pytest.approx(forecast / actual - 1)


def test_nothing_sold_scores_nothing():
    assert rules.score(100, 0).error is None
    assert rules.record([rules.score(100, 0), None]).scored == 0


def test_a_record_averages_the_scored_periods():
    scores = [rules.score(120, 100), rules.score(90, 100), None]
    result = rules.record(scores)
    assert result.scored == 2
    assert result.mean_error == pytest.approx((0.2 + 0.1) / 2)
    assert result.mean_bias == pytest.approx((0.2 - 0.1) / 2)


# --- the alert's judgement ----------------------------------------------------------------


def unit_call(commit: int, target: int | None, model: int | None) -> UnitCall:
    return UnitCall(5, "Shanghai", NOVEMBER, MONDAY, commit, model, target)


TH = ForecastThresholds(commit_ratio=0.9, drift=0.25)


def test_a_commit_short_of_target_is_orange():
    found = judge(unit_call(800, 1000, 800), TH)
    assert isinstance(found, Risk) and found.severity == Severity.ORANGE
    assert found.evidence["target"] == 1000 and "80%" in found.evidence["headline_en"]


def test_a_call_far_from_the_model_is_yellow():
    found = judge(unit_call(1000, 1000, 700), TH)
    assert isinstance(found, Risk) and found.severity == Severity.YELLOW
    assert found.evidence["drift"] == pytest.approx(300 / 700, abs=1e-4)


def test_a_call_on_pace_and_near_the_model_clears():
    assert isinstance(judge(unit_call(950, 1000, 1000), TH), Clear)
    assert isinstance(judge(unit_call(950, None, None), TH), Clear)


def test_each_unit_and_period_is_its_own_series():
    month = judge(unit_call(1, 1000, None), TH)
    quarter_call = UnitCall(
        5, "S", Period(PeriodKind.QUARTER, date(2026, 10, 1)), MONDAY, 1, None, 1000
    )
    quarter = judge(quarter_call, TH)
    assert month.subject_key != quarter.subject_key
    assert len(month.subject_key) <= 80
