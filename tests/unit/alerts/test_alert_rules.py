"""The alert rules at, just below and just above their thresholds, across weekends and
public holidays; the series decisions; thresholds from configuration."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.alerts import rules
from domain.alerts.models import AlertRule, TaskKind
from domain.alerts.rules import Clearance, Finding, Subject, Thresholds
from domain.alerts.runs import RunSummary, check_not_before_latest
from domain.alerts.signals import working_days_back
from domain.errors import InvalidInput
from domain.kernel.severity import Severity
from domain.pipeline.kpis import DEFAULT_MINIMUMS, KpiDay
from domain.targets.periods import WorkingCalendar

TH = Thresholds()
REP = Subject("rep:1", unit_id=10, rep_id=1, extra={"rep": "Li Lei"})
TARGET = Subject("target:5", unit_id=10, target_id=5, extra={"unit": "Shanghai"})
JUNIOR = DEFAULT_MINIMUMS["junior"]
HIT = {"touches": 8, "needs_confirmed": 2, "proposals_sent": 1, "demos_booked": 1}
MISS = {**HIT, "touches": 7}
CN = WorkingCalendar("CN")


def kpi_days(day: date, pattern: str, calendar: WorkingCalendar = CN) -> list[KpiDay]:
    """KpiDays on the working days up to `day`, oldest first; 'h' hit, 'm' missed."""
    days = working_days_back(calendar, day, len(pattern))
    return [
        KpiDay(d, HIT if p == "h" else MISS, JUNIOR) for d, p in zip(days, pattern, strict=True)
    ]


# --- KPI misses ---------------------------------------------------------------------------


def test_one_missed_day_is_below_the_yellow_threshold():
    outcome = rules.kpi_misses(REP, kpi_days(date(2026, 11, 20), "hhm"), TH)
    assert isinstance(outcome, Clearance)
    assert "1 missed day" in outcome.reason_en


def test_two_missed_days_running_is_yellow_without_a_task():
    outcome = rules.kpi_misses(REP, kpi_days(date(2026, 11, 20), "hmm"), TH)
    assert isinstance(outcome, Finding)
    assert (outcome.severity, outcome.task) == (Severity.YELLOW, None)
    assert outcome.since == date(2026, 11, 19)
    assert outcome.evidence["streak_days"] == 2
    assert outcome.evidence["missed"]["2026-11-20"] == ["touches"]


def test_three_missed_days_running_is_orange_with_a_one_on_one():
    outcome = rules.kpi_misses(REP, kpi_days(date(2026, 11, 20), "hmmm"), TH)
    assert (outcome.severity, outcome.task) == (Severity.ORANGE, TaskKind.ONE_ON_ONE)
    assert outcome.since == date(2026, 11, 18)


def test_a_hit_day_breaks_the_streak():
    outcome = rules.kpi_misses(REP, kpi_days(date(2026, 11, 20), "mmmh"), TH)
    assert isinstance(outcome, Clearance)
    assert "met on 2026-11-20" in outcome.reason_en


def test_the_weekend_does_not_break_or_extend_a_streak():
    # Thu, Fri missed; the weekend has no working days; Monday missed → three running.
    days = kpi_days(date(2026, 11, 23), "mmm")
    assert [d.day.weekday() for d in days] == [3, 4, 0]
    assert rules.kpi_misses(REP, days, TH).severity == Severity.ORANGE


def test_national_day_holiday_sits_between_two_missed_days():
    # 30 Sep (Wed) and 8 Oct (Thu) are consecutive working days across the holiday week.
    days = kpi_days(date(2026, 10, 8), "hmm")
    assert [d.day for d in days][1:] == [date(2026, 9, 30), date(2026, 10, 8)]
    assert rules.kpi_misses(REP, days, TH).severity == Severity.YELLOW


def test_a_make_up_saturday_counts_as_a_working_day():
    days = working_days_back(CN, date(2026, 10, 12), 3)
    assert days == [date(2026, 10, 9), date(2026, 10, 10), date(2026, 10, 12)]


def test_kpi_thresholds_come_from_configuration():
    th = Thresholds.from_mapping({"kpi_yellow_days": 3, "kpi_orange_days": 5})
    assert isinstance(rules.kpi_misses(REP, kpi_days(date(2026, 11, 20), "hmm"), th), Clearance)
    assert (
        rules.kpi_misses(REP, kpi_days(date(2026, 11, 20), "mmmm"), th).severity == Severity.YELLOW
    )


# --- pace -----------------------------------------------------------------------------------


def ratios(day: date, values: list[float | None]):
    return list(zip(working_days_back(CN, day, len(values)), values, strict=True))


@pytest.mark.parametrize(
    ("values", "trips"),
    [
        ([0.79, 0.79, 0.79], True),  # just below on three days
        ([0.8, 0.79, 0.79], False),  # at the threshold on the first day: only two behind
        ([0.79, 0.79], False),  # two days only
        ([0.5, 0.81, 0.5, 0.5], False),  # the run was broken
        ([0.5, 0.5, None], False),  # nothing expected yet on the last day
    ],
)
def test_pace_below_80_percent_three_working_days_running(values, trips):
    outcome = rules.behind_pace(TARGET, ratios(date(2026, 11, 20), values), TH)
    assert isinstance(outcome, Finding) is trips
    if trips:
        assert (outcome.rule, outcome.severity) == (AlertRule.PACE, Severity.ORANGE)
        assert outcome.evidence["days_behind"] == 3


def test_pace_run_across_a_weekend():
    outcome = rules.behind_pace(TARGET, ratios(date(2026, 11, 23), [0.5, 0.6, 0.7]), TH)
    assert outcome.since == date(2026, 11, 19)


# --- week to date ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("achieved", "elapsed", "trips"),
    [
        (39, 3, True),  # 39% of expected: just below
        (40, 3, False),  # at the threshold
        (41, 3, False),
        (0, 2, False),  # too early in the week to judge
    ],
)
def test_week_to_date_below_40_percent_is_red_with_a_review(achieved, elapsed, trips):
    outcome = rules.week_to_date(TARGET, date(2026, 11, 16), achieved, 100.0, elapsed, TH)
    assert isinstance(outcome, Finding) is trips
    if trips:
        assert (outcome.severity, outcome.task) == (Severity.RED, TaskKind.REVIEW_MEETING)
        assert outcome.evidence["completion"] == pytest.approx(achieved / 100)


def test_week_with_nothing_expected_is_not_judged():
    assert isinstance(rules.week_to_date(TARGET, date(2026, 10, 5), 0, 0.0, 3, TH), Clearance)


# --- circuit breaker ------------------------------------------------------------------------


def test_weekly_baseline_leaves_out_a_one_off_week():
    history = [100, 110, 90, 100, 105, 95, 5000]
    assert rules.weekly_baseline(history) == pytest.approx(100)
    assert rules.weekly_baseline([]) is None


@pytest.mark.parametrize(
    ("weeks", "trips"),
    [
        ([59, 59], True),  # both just below 60% of 100
        ([60, 59], False),  # the first at the threshold
        ([59, 61], False),
        ([10, 80, 59], False),  # only the last two count: one above
    ],
)
def test_circuit_breaker_two_weeks_below_60_percent_of_baseline(weeks, trips):
    start = date(2026, 11, 2)
    recent = [(start + timedelta(weeks=i), amount) for i, amount in enumerate(weeks)]
    outcome = rules.circuit_breaker(Subject("unit:10", 10), recent, 100.0, TH)
    assert isinstance(outcome, Finding) is trips
    if trips:
        assert outcome.task == TaskKind.ROOT_CAUSE_MEETING
        assert outcome.severity == Severity.RED


def test_circuit_breaker_without_baseline_clears():
    recent = [(date(2026, 11, 2), 0), (date(2026, 11, 9), 0)]
    assert isinstance(rules.circuit_breaker(Subject("unit:1", 1), recent, None, TH), Clearance)


# --- stale key opportunities -----------------------------------------------------------------


@pytest.mark.parametrize(("days", "trips"), [(6.99, False), (7, True), (7.5, True)])
def test_key_opportunity_silent_for_seven_days(days, trips):
    now = datetime(2026, 11, 20, 16, tzinfo=UTC)
    subject = Subject("opportunity:3", 10, rep_id=1, opportunity_id=3, extra={"opportunity": "X"})
    outcome = rules.stale_key_opportunity(subject, now - timedelta(days=days), now, TH)
    assert isinstance(outcome, Finding) is trips
    if trips:
        assert (outcome.severity, outcome.task) == (Severity.ORANGE, TaskKind.ONE_ON_ONE)


def test_stale_days_count_calendar_days_over_a_holiday():
    now = datetime(2026, 10, 8, tzinfo=UTC)
    subject = Subject("opportunity:3", 10)
    outcome = rules.stale_key_opportunity(subject, datetime(2026, 9, 30, tzinfo=UTC), now, TH)
    assert outcome.evidence["silent_days"] == 8


# --- series decisions -----------------------------------------------------------------------

FINDING = rules.kpi_misses(REP, kpi_days(date(2026, 11, 20), "hmm"), TH)
ORANGE = rules.kpi_misses(REP, kpi_days(date(2026, 11, 20), "mmm"), TH)


@pytest.mark.parametrize(
    ("current", "finding", "by_hand", "action"),
    [
        (None, FINDING, False, "raise"),
        (None, FINDING, True, "keep"),
        (Severity.YELLOW, ORANGE, False, "escalate"),
        (Severity.YELLOW, FINDING, False, "refresh"),
        (Severity.ORANGE, FINDING, False, "refresh"),  # never de-escalates within a series
        (Severity.ORANGE, None, False, "resolve"),
        (None, None, False, "keep"),
    ],
)
def test_change_for(current, finding, by_hand, action):
    assert rules.change_for(current, finding, by_hand).action == action


@given(st.lists(st.booleans(), min_size=0, max_size=20))
def test_kpi_severity_follows_the_trailing_streak(pattern):
    days = [
        KpiDay(date(2026, 1, 1) + timedelta(days=i), HIT if hit else MISS, JUNIOR)
        for i, hit in enumerate(pattern)
    ]
    streak = len(pattern) - len("".join("h" if h else "m" for h in pattern).rstrip("m"))
    outcome = rules.kpi_misses(REP, days, TH)
    if streak >= 3:
        assert outcome.severity == Severity.ORANGE
    elif streak == 2:
        assert outcome.severity == Severity.YELLOW
    else:
        assert isinstance(outcome, Clearance)


# --- thresholds -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"kpi_orange_days": 1}, "kpi_yellow_days ≤ kpi_orange_days"),
        ({"pace_dayz": 1}, "unknown threshold"),
        ({"pace_ratio": -0.1}, "≥ 0"),
        ({"pace_days": 1.5}, "whole number"),
        ({"stale_key_days": 0}, "≥ 1"),
    ],
)
def test_bad_thresholds_are_refused(values, message):
    with pytest.raises(rules.ThresholdError, match=message):
        Thresholds.from_mapping(values)


def test_titles_are_bilingual():
    zh, en = rules.title(AlertRule.KPI_MISS, ORANGE.evidence)
    assert "连续 3 个工作日" in zh and "3 working days" in en
    assert "Li Lei" in zh and "Li Lei" in en


# --- which days can be evaluated ----------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "latest"),
    [
        (date(2026, 11, 20), None),
        (date(2026, 11, 20), date(2026, 11, 20)),
        (date(2026, 11, 23), date(2026, 11, 20)),
    ],
)
def test_the_latest_evaluated_day_and_later_ones_can_be_evaluated(day, latest):
    assert check_not_before_latest(day, latest) == day


def test_a_day_before_the_latest_evaluated_one_is_refused_in_both_languages():
    with pytest.raises(InvalidInput) as refused:
        check_not_before_latest(date(2026, 9, 23), date(2026, 11, 30))
    error = refused.value
    assert (error.code, error.field) == ("DAY_BEFORE_LATEST_RUN", "day")
    assert error.message("en").startswith("Alerts have been evaluated up to 2026-11-30")
    assert error.message("zh").startswith("预警已评估到 2026-11-30")


def test_a_run_changed_something_when_any_count_is_not_zero():
    assert not RunSummary(date(2026, 11, 20)).changed
    assert RunSummary(date(2026, 11, 20), Counter(tasks=1)).changed
    assert RunSummary(date(2026, 11, 20), Counter(tasks=1)).as_dict() == {
        "raised": 0,
        "escalated": 0,
        "resolved": 0,
        "tasks": 1,
        "diagnoses": 0,
    }
