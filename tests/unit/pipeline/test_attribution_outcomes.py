"""Attribution on outcomes: signing rates within the window and their Wilson intervals."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.pipeline.attribution import effectiveness, wilson_interval
from domain.pipeline.models import FollowUpType

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def days(n: float) -> datetime:
    return T0 + timedelta(days=n)


def test_signing_counts_only_wins_inside_the_window():
    first_any = {1: T0, 2: T0, 3: T0, 4: T0}
    whitepaper = {1: T0, 2: T0, 3: T0}
    moves = {1: [days(1), days(5)], 2: [days(2)], 3: [days(9)], 4: [days(3)]}
    wins = {1: [days(5)], 3: [days(9)], 4: [days(3)]}  # 3 signs after the 7 days
    result = effectiveness(FollowUpType.WHITEPAPER_SENT, 7, whitepaper, first_any, moves, wins)
    assert (result.with_type, result.moved_with, result.signed_with) == (3, 2, 1)
    assert (result.without_type, result.signed_without) == (1, 1)
    assert result.signing_rate_with == pytest.approx(1 / 3)
    assert result.signing_rate_without == 1.0
    low, high = result.signing_interval_with
    assert low < 1 / 3 < high
    demo = effectiveness(FollowUpType.DEMO_HELD, 15, whitepaper, first_any, moves, wins)
    assert demo.signed_with == 2  # the same win on day 9 counts within a demo's 15 days


def test_no_sample_has_no_rate_and_no_interval():
    result = effectiveness(FollowUpType.VISIT, 7, {}, {}, {}, {})
    assert result.signing_rate_with is None and result.signing_interval_with is None
    assert wilson_interval(0, 0) is None


def test_wilson_matches_the_closed_form_and_narrows_with_the_sample():
    low, high = wilson_interval(5, 10)
    z = 1.959963984540054
    centre = (0.5 + z * z / 20) / (1 + z * z / 10)
    assert (low + high) / 2 == pytest.approx(centre)
    wide, narrow = wilson_interval(10, 20), wilson_interval(100, 200)
    assert narrow[1] - narrow[0] < wide[1] - wide[0]
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == 1.0
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


@given(st.integers(1, 100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_interval_contains_the_rate_and_stays_in_the_unit_range(pair):
    successes, trials = pair
    low, high = wilson_interval(successes, trials)
    rate = successes / trials
    assert 0.0 <= low <= rate <= high <= 1.0
    assert math.isfinite(low) and math.isfinite(high)
