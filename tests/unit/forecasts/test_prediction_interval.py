"""The period interval: Bernoulli draws over the deals, seeded (no database)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.forecasts.simulation import expected_amount, simulate

deals = st.lists(st.tuples(st.floats(0, 1), st.integers(0, 10_000_000_00)), min_size=0, max_size=30)


@settings(max_examples=40, deadline=None)
@given(deals)
def test_interval_lies_within_what_can_happen(rows):
    chances = [p for p, _ in rows]
    amounts = [a for _, a in rows]
    interval = simulate(chances, amounts, draws=500)
    assert 0 <= interval.low <= interval.high <= sum(amounts)
    assert interval.expected == expected_amount(chances, amounts)
    assert interval == simulate(chances, amounts, draws=500)  # the same seed, the same answer


def test_certain_deals_have_no_spread():
    assert simulate([1.0, 1.0, 0.0], [100, 250, 999]) == simulate([1.0, 1.0], [100, 250])
    interval = simulate([1.0, 1.0, 0.0], [100, 250, 999])
    assert (interval.low, interval.expected, interval.high) == (350, 350, 350)


def test_many_alike_deals_match_the_normal_approximation():
    """400 deals of 1 000 at 30 %: the total's 10th/90th percentiles sit near
    mean ∓ 1.2816 σ of the binomial (within a deal's amount and a few percent)."""
    n, p, amount = 400, 0.3, 1_000
    interval = simulate([p] * n, [amount] * n, draws=8_000)
    mean, sigma = n * p * amount, math.sqrt(n * p * (1 - p)) * amount
    assert interval.expected == mean
    assert abs(interval.low - (mean - 1.2816 * sigma)) <= 0.1 * sigma + amount
    assert abs(interval.high - (mean + 1.2816 * sigma)) <= 0.1 * sigma + amount


def test_another_seed_draws_again_but_alike():
    chances, amounts = [0.5] * 50, [2_000] * 50
    one, other = simulate(chances, amounts, seed=1), simulate(chances, amounts, seed=2)
    assert one.expected == other.expected
    assert abs(one.low - other.low) <= 4_000 and abs(one.high - other.high) <= 4_000


def test_the_running_period_also_counts_deals_that_slipped_past_their_date():
    from datetime import date

    from domain.forecasts.prediction import expected_in

    start, end = date(2026, 12, 1), date(2027, 1, 1)
    slipped, inside, later = date(2026, 10, 20), date(2026, 12, 31), date(2027, 1, 1)
    running, ahead = date(2026, 12, 4), date(2026, 11, 20)
    assert expected_in(slipped, start, end, running) and expected_in(inside, start, end, running)
    assert not expected_in(later, start, end, running)
    assert not expected_in(slipped, start, end, ahead)  # a period not yet running
    assert expected_in(inside, start, end, ahead)
