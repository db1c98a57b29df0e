"""Each scoring term at its edges, on single numbers and on arrays alike, and the weights."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coaching.routing.policy import TERMS
from coaching.routing.terms import (
    ALL_ZERO_NOTE,
    capability_term,
    combine,
    conversion_term,
    effective_weights,
    fairness_term,
    load_term,
    specialty_term,
)
from tests.support.routing import make_policy


@pytest.mark.parametrize(
    ("proficiency", "expected"), [(0, 0.0), (1, 0.2), (3, 0.6), (5, 1.0), (7, 1.0), (-1, 0.0)]
)
def test_specialty(proficiency, expected):
    assert specialty_term(proficiency) == pytest.approx(expected)


def test_capability_is_the_mean_fit_over_the_needed_dimensions():
    assert capability_term([80, 40]) == pytest.approx(0.6)
    assert capability_term([100]) == 1.0 and capability_term([0, 0]) == 0.0
    assert capability_term([120, -5]) == pytest.approx(0.5)  # clipped to 0..100
    assert capability_term(np.empty((3, 0))).tolist() == [1.0, 1.0, 1.0]  # needs nothing
    assert capability_term(np.array([[50, 70], [0, 100]])).tolist() == [0.6, 0.5]


@pytest.mark.parametrize(
    ("load", "capacity", "expected"),
    [(0, 10, 1.0), (5, 10, 0.5), (9, 10, 0.1), (10, 10, 0.0), (12, 10, 0.0), (0, 0, 0.0)],
)
def test_load(load, capacity, expected):
    assert load_term(load, capacity) == pytest.approx(expected)


def test_load_on_arrays():
    assert load_term(np.array([0, 3, 4]), np.array([4, 4, 0])).tolist() == [1.0, 0.25, 0.0]


def test_conversion_shrinks_a_thin_history_toward_the_unit_mean():
    # 1 of 1 with k = 10 toward 0.2: (1 + 2) / 11
    assert conversion_term(1, 1, 0.2, 10) == pytest.approx(3 / 11)
    assert conversion_term(0, 0, 0.2, 10) == pytest.approx(0.2)  # no history: the unit mean
    # a long history speaks for itself
    assert conversion_term(600, 1000, 0.2, 10) == pytest.approx(602 / 1010)
    assert conversion_term(3, 4, 0.2, 0) == pytest.approx(0.75)  # no shrinkage
    assert conversion_term(0, 0, 0.3, 0) == pytest.approx(0.3)  # 0/0 is the unit rate
    assert conversion_term(5, 5, 1.5, 10) == pytest.approx(1.0)  # a bad rate is clipped


def test_conversion_on_arrays():
    values = conversion_term(np.array([0, 5]), np.array([0, 10]), np.array([0.1, 0.5]), 10)
    assert values.tolist() == pytest.approx([0.1, 0.5])


@pytest.mark.parametrize(("recent", "expected"), [(0, 1.0), (5, 0.5), (15, 0.25), (-2, 1.0)])
def test_fairness(recent, expected):
    assert fairness_term(recent, 5) == pytest.approx(expected)


@given(
    st.integers(0, 5),
    st.lists(st.integers(0, 100), max_size=6),
    st.integers(0, 50),
    st.integers(0, 50),
    st.integers(0, 50),
    st.floats(0, 1),
    st.floats(0, 100),
)
def test_every_term_stays_in_0_1(proficiency, scores, load, capacity, won, rate, k):
    values = [
        specialty_term(proficiency),
        capability_term(scores),
        load_term(load, capacity),
        conversion_term(won, won + load, rate, k),
        fairness_term(load, 5),
    ]
    assert all(0.0 <= float(value) <= 1.0 for value in values)


def test_weights_are_normalised():
    weights, note = effective_weights(make_policy())
    assert note is None and sum(weights.values()) == pytest.approx(1)
    assert weights["conversion"] == pytest.approx(0.6)
    doubled = make_policy(weights={term: 2 for term in TERMS})
    assert effective_weights(doubled)[0] == dict.fromkeys(TERMS, 0.2)


def test_all_zero_weights_fall_back_to_fairness_alone():
    weights, note = effective_weights(make_policy(weights=dict.fromkeys(TERMS, 0)))
    assert weights == {"specialty": 0, "capability": 0, "load": 0, "conversion": 0, "fairness": 1}
    assert note == ALL_ZERO_NOTE


def test_combine_is_the_weighted_sum():
    values = {"specialty": 1, "capability": 0.5, "load": 0, "conversion": 0.2, "fairness": 1}
    weights = {"specialty": 0.5, "capability": 0.5, "load": 0, "conversion": 0, "fairness": 0}
    assert combine(values, weights) == pytest.approx(0.75)
