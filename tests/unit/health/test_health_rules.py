"""The health dashboard's rules without a database: statuses at, below and above each
threshold, the statistics, per-month rates and the leaderboard ranking."""

from __future__ import annotations

from datetime import date

import pytest

from domain.health import rules as hr
from domain.health.rules import HealthIndicatorKind as Kind
from domain.health.rules import HealthThresholds
from domain.health.rules import IndicatorStatus as Status
from domain.health.rules import ThresholdDirection as Direction

DEFAULTS = HealthThresholds()


def test_the_field_defaults_and_directions():
    assert (
        DEFAULTS.effective_follow_up_rate,
        DEFAULTS.lead_to_qualified_days,
        DEFAULTS.first_deal_stddev_days,
        DEFAULTS.proactive_inquiries_per_month,
    ) == (0.65, 3.2, 15, 2.8)
    assert hr.DIRECTIONS == {
        Kind.EFFECTIVE_FOLLOW_UP_RATE: Direction.AT_LEAST,
        Kind.LEAD_TO_QUALIFIED_DAYS: Direction.AT_MOST,
        Kind.FIRST_DEAL_STDDEV_DAYS: Direction.AT_MOST,
        Kind.PROACTIVE_INQUIRIES_PER_MONTH: Direction.AT_LEAST,
    }
    # every indicator names its threshold
    assert all(hasattr(DEFAULTS, kind.value) for kind in Kind)


@pytest.mark.parametrize(
    ("kind", "below", "at", "above"),
    [
        (Kind.EFFECTIVE_FOLLOW_UP_RATE, 12 / 20, 13 / 20, 14 / 20),
        (Kind.LEAD_TO_QUALIFIED_DAYS, 3.1, 276_480 / 86_400, 3.3),
        (Kind.FIRST_DEAL_STDDEV_DAYS, 14.5, 15.0, 15.5),
        (Kind.PROACTIVE_INQUIRIES_PER_MONTH, 2.76, 70 / 1 / (761 / 30.44), 2.84),
    ],
)
def test_status_at_below_and_above_each_threshold(kind, below, at, above):
    at_least = hr.DIRECTIONS[kind] == Direction.AT_LEAST
    status = {value: hr.indicator(kind, value, 1, DEFAULTS).status for value in (below, at, above)}
    assert status[at] == Status.GREEN  # on the threshold meets it
    assert status[below] == (Status.RED if at_least else Status.GREEN)
    assert status[above] == (Status.GREEN if at_least else Status.RED)
    assert hr.indicator(kind, None, 0, DEFAULTS).status == Status.NO_DATA


def test_floating_point_noise_on_the_threshold_is_on_it():
    assert hr.status_of(15.000000000000002, 15, Direction.AT_MOST) == Status.GREEN
    assert hr.status_of(2.7999999999999994, 2.8, Direction.AT_LEAST) == Status.GREEN
    assert hr.status_of(15.0001, 15, Direction.AT_MOST) == Status.RED


def test_thresholds_from_settings_reach_the_indicator():
    custom = HealthThresholds.from_mapping({"effective_follow_up_rate": 0.5})
    indicator = hr.indicator(Kind.EFFECTIVE_FOLLOW_UP_RATE, 0.55, 20, custom)
    assert (indicator.threshold, indicator.status, indicator.sample_size) == (0.5, Status.GREEN, 20)
    assert indicator.direction == Direction.AT_LEAST


def test_labels_are_bilingual():
    assert Status.GREEN.label("zh") == "达标" and Status.NO_DATA.label("en") == "No data"
    assert Kind.EFFECTIVE_FOLLOW_UP_RATE.label("zh") == "有效跟进率"
    assert all(member.label_zh and member.label_en for member in [*Kind, *Status, *Direction])


def test_share_median_and_population_stddev():
    assert hr.share(13, 20) == 0.65 and hr.share(0, 0) is None
    assert hr.median([9, 1, 3.2]) == 3.2 and hr.median([]) is None
    assert hr.population_stddev([100, 130]) == 15.0
    assert hr.population_stddev([2, 4, 4, 4, 5, 5, 7, 9]) == 2.0
    assert hr.population_stddev([30]) is None and hr.population_stddev([]) is None


def test_months_and_per_account_per_month():
    assert hr.months_in(date(2026, 11, 1), date(2026, 11, 30)) == pytest.approx(30 / 30.44)
    assert hr.months_in(date(2026, 11, 20), date(2026, 11, 20)) == pytest.approx(1 / 30.44)
    months = hr.months_in(date(2024, 10, 21), date(2026, 11, 20))  # 761 days
    assert months == pytest.approx(25)
    assert hr.per_account_per_month(140, 2, months) == pytest.approx(2.8)
    assert hr.per_account_per_month(0, 3, months) == 0.0
    assert hr.per_account_per_month(5, 0, months) is None


def test_the_hiring_window_is_the_twelve_months_up_to_the_end():
    assert hr.hire_window_start(date(2026, 11, 20)) == date(2025, 11, 21)
    assert hr.hire_window_start(date(2028, 2, 29)) == date(2027, 3, 1)
    assert hr.days_to_first_deal(date(2026, 1, 1), date(2026, 4, 11)) == 100


def test_competition_ranks_share_ties_and_skip():
    ranks = hr.competition_ranks([("a", 50), ("b", 200), ("c", 50), ("d", 10), ("e", 200)])
    assert ranks == {"b": 1, "e": 1, "a": 3, "c": 3, "d": 5}
    assert hr.competition_ranks([]) == {}
    assert hr.competition_ranks([("x", 0), ("y", 0)]) == {"x": 1, "y": 1}


def test_clamp_size():
    assert [hr.clamp_size(n, 100) for n in (-5, 0, 1, 10, 100, 1000)] == [1, 1, 1, 10, 100, 100]
