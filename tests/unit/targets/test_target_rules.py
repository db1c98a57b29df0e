from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import Conflict, InvalidInput
from domain.targets.models import MetricUnit, TargetStatus
from domain.targets.rules import (
    ChildInputs,
    WeightMix,
    composite_shares,
    explanation,
    format_amount,
    largest_remainder,
    next_status,
    pace,
)

weights = st.lists(
    st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=40
).filter(lambda ws: sum(ws) > 0)
totals = st.integers(min_value=0, max_value=10**15)


@given(totals, weights)
def test_split_sums_exactly_and_is_never_negative(total, ws):
    parts = largest_remainder(total, ws)
    assert sum(parts) == total and all(p >= 0 for p in parts)


@given(totals, weights)
def test_a_larger_weight_never_gets_less(total, ws):
    parts = largest_remainder(total, ws)
    for i, wi in enumerate(ws):
        for j, wj in enumerate(ws):
            if wi > wj:
                assert parts[i] >= parts[j]


@given(totals, weights)
def test_same_inputs_same_split(total, ws):
    assert largest_remainder(total, ws) == largest_remainder(total, list(ws))


def test_split_examples():
    assert largest_remainder(100, [1, 1, 1]) == [34, 33, 33]
    assert largest_remainder(10, [0, 5, 5]) == [0, 5, 5]
    assert largest_remainder(0, [1, 2]) == [0, 0]


@pytest.mark.parametrize(
    ("total", "ws", "code"),
    [
        (10, [0, 0], "ZERO_WEIGHTS"),
        (10, [], "ZERO_WEIGHTS"),
        (10, [1, -1], "INVALID_WEIGHTS"),
        (-1, [1], "NEGATIVE_AMOUNT"),
        (10, [float("nan")], "INVALID_WEIGHTS"),
    ],
)
def test_split_refusals(total, ws, code):
    with pytest.raises(InvalidInput) as caught:
        largest_remainder(total, ws)
    assert caught.value.code == code


def child(key, history=None, potential=None, capability=None):
    return ChildInputs(key, key.title(), history, potential, capability)


def test_composite_mixes_the_components_with_data():
    shares = composite_shares(
        [child("a", 300, 1), child("b", 100, 3)],
        WeightMix(history=0.5, potential=0.5, capability=0.2),
    )
    # capability has no data: left out, the rest renormalised
    assert [s.components["capability"] for s in shares] == [None, None]
    assert shares[0].share == pytest.approx(0.5 * 0.75 + 0.5 * 0.25)
    assert sum(s.share for s in shares) == pytest.approx(1)


def test_composite_without_any_data_is_refused():
    with pytest.raises(InvalidInput) as caught:
        composite_shares([child("a"), child("b", history=0)], WeightMix())
    assert caught.value.code == "NO_ALLOCATION_BASIS"
    with pytest.raises(InvalidInput, match="ZERO_WEIGHTS"):
        WeightMix(0, 0, 0)


def test_explanation_sentence():
    share = composite_shares(
        [child("east", 21, 15, 16), child("x", 79, 85, 84)], WeightMix(1, 1, 1)
    )[0]
    record = explanation(123_000_000, share, "华东大区", 676_000_000, MetricUnit.MONEY)
    assert record["sentence_en"] == (
        "your 1,230,000.00 = 17.3% of 华东大区's 6,760,000.00: history 21%, potential 15%, "
        "capability 16%"
    )
    assert record["sentence_zh"].startswith(
        "你的 1,230,000.00 = 华东大区 6,760,000.00 的 17.3%：历史 21%"
    )
    assert record["inputs"] == {"history": 21, "potential": 15, "capability": 16}


def test_format_amount():
    assert format_amount(123456, MetricUnit.MONEY) == "1,234.56"
    assert format_amount(1234, MetricUnit.COUNT) == "1,234"
    assert format_amount(6550, MetricUnit.RATIO) == "65.50%"


def test_pace():
    result = pace(
        target=1000, achieved=300, elapsed_share=0.5, elapsed_working=10, total_working=20
    )
    assert result.expected_to_date == 500 and result.completion == 0.3
    assert result.pace_ratio == pytest.approx(0.6)
    assert result.projection == 600 and result.gap == 400
    start = pace(target=0, achieved=0, elapsed_share=0, elapsed_working=0, total_working=20)
    assert start.completion is None and start.pace_ratio is None and start.projection == 0


def test_workflow():
    assert next_status(TargetStatus.DRAFT, "propose") == TargetStatus.PROPOSED
    assert next_status(TargetStatus.PROPOSED, "approve") == TargetStatus.APPROVED
    assert next_status(TargetStatus.DRAFT, "approve") == TargetStatus.APPROVED
    assert next_status(TargetStatus.APPROVED, "lock") == TargetStatus.LOCKED
    for current, action in [
        (TargetStatus.LOCKED, "approve"),
        (TargetStatus.DRAFT, "lock"),
        (TargetStatus.APPROVED, "propose"),
    ]:
        with pytest.raises(Conflict, match="INVALID_STATUS"):
            next_status(current, action)


def test_forecast_accuracy():
    from domain.targets.rules import forecast_accuracy

    assert forecast_accuracy([100, 100], 100) == 1.0
    assert forecast_accuracy([80, 120], 100) == pytest.approx(0.8)
    assert forecast_accuracy([500], 100) == 0.0
    assert forecast_accuracy([], 100) is None and forecast_accuracy([10], 0) is None


def test_expected_share_by_working_days_and_by_season():
    from datetime import date, timedelta

    from domain.targets.rules import expected_share

    q1 = [date(2026, 1, 1) + timedelta(days=i) for i in range(90)]
    every_day = lambda day: True  # noqa: E731
    assert expected_share(q1, date(2026, 2, 1), every_day) == pytest.approx(31 / 90)
    # January sells three times what February and March do: a third of the days, 3/5 of work
    profile = {1: 3.0, 2: 1.0, 3: 1.0}
    assert expected_share(q1, date(2026, 2, 1), every_day, profile) == pytest.approx(3 / 5)
    weekdays = lambda day: day.weekday() < 5  # noqa: E731
    assert expected_share(q1, date(2026, 4, 1), weekdays, profile) == 1.0
    assert expected_share(q1, date(2026, 1, 1), weekdays, {1: 0, 2: 0}) == 0.0
    assert expected_share([], date(2026, 1, 1), weekdays) == 1.0
