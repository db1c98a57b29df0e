"""The loops' rules without a database: dashboard actions at their thresholds, working hours
over weekends, the weak KPI and the senior picked, fortnights, and calibration suggestions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.alerts.loops import rules
from domain.alerts.loops.rules import Candidate, LoopThresholds, Reading
from domain.alerts.models import TaskKind
from domain.alerts.rules import ThresholdError
from domain.capability.rules import DEFAULT_DIMENSIONS
from domain.pipeline.kpis import KPIS
from domain.targets.rules import pace

TH = LoopThresholds()
ZONE = ZoneInfo("Asia/Shanghai")
QUIET = Reading(follow_ups=20, delivered=14, cycle_median=3.0, qualified=4, spread=10.0, new_reps=3)


def weekdays_only(day: date) -> bool:
    return day.weekday() < 5


def kinds(reading: Reading) -> set[TaskKind]:
    return {action.kind for action in rules.dashboard_actions(reading, TH)}


def test_a_healthy_team_opens_nothing():
    assert kinds(QUIET) == set()


def test_each_indicator_opens_its_task_only_past_its_threshold():
    # 11 of 20 is 55% (< 60%); 12 of 20 is exactly 60%: not below.
    assert kinds(replace(QUIET, delivered=11)) == {TaskKind.FOLLOW_UP_REVIEW}
    assert kinds(replace(QUIET, delivered=12)) == set()
    assert kinds(replace(QUIET, cycle_median=5.01)) == {TaskKind.JOINT_DIAGNOSIS}
    assert kinds(replace(QUIET, cycle_median=5.0)) == set()
    assert kinds(replace(QUIET, spread=25.5)) == {TaskKind.MENTORING_AUDIT}
    assert kinds(replace(QUIET, spread=25.0)) == set()


def test_too_few_follow_ups_or_no_data_open_nothing():
    assert kinds(replace(QUIET, follow_ups=9, delivered=0)) == set()
    assert kinds(replace(QUIET, follow_ups=0, delivered=0, cycle_median=None, spread=None)) == set()


def test_the_follow_up_review_keeps_the_numbers_behind_it():
    [action] = rules.dashboard_actions(replace(QUIET, follow_ups=40, delivered=10), TH)
    assert action.details == {
        "effective_follow_up_rate": 0.25,
        "threshold": 0.6,
        "follow_ups": 40,
        "delivered_value": 10,
    }


def test_inquiries_must_be_low_two_months_running():
    sep, octo = date(2026, 9, 1), date(2026, 10, 1)
    low = rules.inquiry_action([(sep, 3, 2), (octo, 2, 2)], TH)  # 1.5 and 1.0 a month
    assert low is not None and low.kind == TaskKind.SERVICE_UPGRADE
    assert low.details["inquiries_per_month"] == {"2026-09-01": 1.5, "2026-10-01": 1.0}
    assert rules.inquiry_action([(sep, 4, 2), (octo, 2, 2)], TH) is None  # September: 2.0
    assert rules.inquiry_action([(octo, 1, 2)], TH) is None  # one month only
    assert rules.inquiry_action([(sep, 0, 0), (octo, 0, 2)], TH) is None  # no such customer


def test_complete_months_and_keys():
    assert rules.complete_months_before(date(2026, 1, 15), 2) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
    ]
    assert rules.month_end(date(2026, 2, 1)) == date(2026, 3, 1)
    key = rules.health_key(TaskKind.JOINT_DIAGNOSIS, 7, date(2026, 11, 20))
    assert key == "health:joint_diagnosis:7:2026-11"


def test_working_hours_skip_the_weekend():
    friday_4pm = datetime(2026, 11, 20, 16, tzinfo=ZONE)
    monday_4pm = datetime(2026, 11, 23, 16, tzinfo=ZONE)
    assert rules.working_hours_between(friday_4pm, monday_4pm, ZONE, weekdays_only) == 24
    tuesday = datetime(2026, 11, 24, 4, tzinfo=UTC)  # 12:00 in Shanghai
    assert rules.working_hours_between(friday_4pm, tuesday, ZONE, weekdays_only) == 44
    assert rules.working_hours_between(monday_4pm, friday_4pm, ZONE, weekdays_only) == 0


@given(
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 1)),
    st.integers(min_value=0, max_value=400),
)
def test_working_hours_never_exceed_the_clock(start, hours):
    begin = start.replace(tzinfo=ZONE)
    end = begin + timedelta(hours=hours)
    worked = rules.working_hours_between(begin, end, ZONE, weekdays_only)
    every_day = rules.working_hours_between(begin, end, ZONE, lambda _: True)
    assert 0 <= worked <= every_day
    assert every_day == pytest.approx(hours)


def test_second_touch_is_due_only_unanswered_after_the_hours():
    assert rules.second_touch_due(24.0, answered=False, th=TH)
    assert not rules.second_touch_due(23.9, answered=False, th=TH)
    assert not rules.second_touch_due(100.0, answered=True, th=TH)


def test_the_weak_kpi_is_the_one_missed_most_then_the_first_listed():
    assert rules.weak_kpi({"d1": ["touches", "demos_booked"], "d2": ["demos_booked"]}) == (
        "demos_booked"
    )
    assert rules.weak_kpi({"d1": ["proposals_sent", "needs_confirmed"]}) == "needs_confirmed"
    assert rules.weak_kpi({"d1": []}) is None
    # Every KPI points at a default capability dimension.
    assert set(rules.KPI_DIMENSION) == set(KPIS)
    assert set(rules.KPI_DIMENSION.values()) <= set(DEFAULT_DIMENSIONS)


def test_the_senior_is_the_strongest_free_one_above_the_rep():
    seniors = [Candidate(3, 70.0), Candidate(4, 90.0), Candidate(5, 90.0), Candidate(6, None)]
    assert rules.pick_senior(seniors, rep_score=50.0, busy=set()) == Candidate(4, 90.0)
    assert rules.pick_senior(seniors, rep_score=50.0, busy={4}) == Candidate(5, 90.0)
    assert rules.pick_senior(seniors, rep_score=None, busy={4, 5}) == Candidate(3, 70.0)
    assert rules.pick_senior(seniors, rep_score=95.0, busy=set()) is None
    assert rules.pick_senior([Candidate(6, None)], rep_score=None, busy=set()) is None


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)))
def test_weeks_and_fortnights_start_on_mondays(day):
    week = rules.next_week_start(day)
    fortnight = rules.fortnight_start(day)
    assert week.weekday() == 0 and 1 <= (week - day).days <= 7
    assert fortnight.weekday() == 0 and 0 <= (day - fortnight).days < 14
    assert rules.fortnight_start(fortnight + timedelta(days=13)) == fortnight


def test_calibration_is_due_after_the_rhythm_or_never_calibrated():
    day = date(2026, 11, 20)
    assert rules.calibration_due(None, day, 14)
    assert rules.calibration_due(day - timedelta(days=14), day, 14)
    assert not rules.calibration_due(day - timedelta(days=13), day, 14)
    assert rules.calibration_key(3, day) == rules.calibration_key(3, date(2026, 11, 29))


def test_the_suggestion_follows_pace_and_pipeline():
    behind = pace(1_000_000, 200_000, 0.5, 10, 20, weighted_pipeline=300_000)
    lower = rules.suggestion(behind, 0.1)
    # run-rate 400,000; achieved + pipeline 500,000: the better supports 500,000.
    assert (lower["direction"], lower["suggested_amount"], lower["change"]) == (
        "lower",
        500_000,
        -500_000,
    )
    ahead = rules.suggestion(pace(1_000_000, 700_000, 0.5, 10, 20), 0.1)
    assert (ahead["direction"], ahead["suggested_amount"]) == ("raise", 1_400_000)
    near = rules.suggestion(pace(1_000_000, 480_000, 0.5, 10, 20), 0.1)
    assert (near["direction"], near["change"]) == ("keep", 0)
    nothing = rules.suggestion(pace(1_000_000, 0, 0.5, 10, 20), 0.1)
    assert (nothing["direction"], nothing["suggested_amount"]) == ("review", 1_000_000)


def test_thresholds_from_settings_are_checked():
    assert LoopThresholds.from_mapping({"window_days": 14}).window_days == 14
    with pytest.raises(ThresholdError, match="unknown"):
        LoopThresholds.from_mapping({"nope": 1})
    with pytest.raises(ThresholdError):
        LoopThresholds.from_mapping({"follow_up_rate_below": 1.5})
    with pytest.raises(ThresholdError):
        LoopThresholds.from_mapping({"top_customers": 0})


def test_the_settings_configure_the_loops():
    from domain.alerts.loops.run import loop_config
    from domain.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match="PACER_LOOP_THRESHOLDS"):
        load_settings(loop_thresholds={"nope": 1})
    assert loop_config(load_settings(alert_loops=False)) is None
    config = loop_config(
        load_settings(calibration_window_days=21, loop_thresholds={"top_customers": 5})
    )
    assert config is not None
    assert (config.thresholds.calibration_every_days, config.thresholds.top_customers) == (21, 5)
    named = loop_config(load_settings(loop_thresholds={"calibration_every_days": 7}))
    assert named is not None and named.thresholds.calibration_every_days == 7
