"""The rules that keep every split whole: exact rescaling, one split per target, one split
per child, and no child adjusted alone."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import Conflict, InvalidInput
from domain.targets.models import PeriodKind
from domain.targets.rules import (
    SplitShape,
    check_adjustable,
    check_free_child,
    check_one_split,
    rescale,
)

amounts = st.lists(st.integers(min_value=0, max_value=10**15), min_size=1, max_size=30)
totals = st.integers(min_value=0, max_value=10**18)


@given(totals, amounts)
def test_rescaled_children_sum_exactly_and_stay_proportional(total, old):
    new = rescale(total, old)
    assert sum(new) == total and all(part >= 0 for part in new)
    weights = old if sum(old) else [1] * len(old)
    for part, weight in zip(new, weights, strict=True):
        exact = Fraction(total * weight, sum(weights))
        assert abs(part - exact) < 1  # each part is its exact share, rounded down or up


@given(amounts)
def test_a_split_that_already_sums_is_left_alone(old):
    assert rescale(sum(old), old) == old


def test_rescale_examples():
    assert rescale(2_000, [600, 400]) == [1_200, 800]
    assert rescale(10, [0, 0, 0]) == [4, 3, 3]  # nothing before: evenly, earlier first
    assert rescale(1, [1, 1]) == [1, 0]
    assert rescale(5, []) == []
    # beyond a float's 53 bits, still exact
    assert rescale(10**18 + 1, [1, 10**17]) == [10, 10**18 - 9]


@pytest.mark.parametrize(
    ("total", "old", "code"), [(-1, [1], "NEGATIVE_AMOUNT"), (1, [-1, 2], "INVALID_WEIGHTS")]
)
def test_rescale_refusals(total, old, code):
    with pytest.raises(InvalidInput) as caught:
        rescale(total, old)
    assert caught.value.code == code


OVER_CHILDREN = SplitShape(False, PeriodKind.YEAR)
INTO_MONTHS = SplitShape(True, PeriodKind.MONTH)


def test_split_shape_of_a_child():
    assert SplitShape.of_child("unit:1", "unit:2", "year") == OVER_CHILDREN
    assert SplitShape.of_child("rep:7", "rep:7", "month") == INTO_MONTHS


def test_a_target_has_one_split():
    check_one_split([], INTO_MONTHS)
    check_one_split([INTO_MONTHS, INTO_MONTHS], INTO_MONTHS)
    with pytest.raises(InvalidInput) as caught:
        check_one_split([OVER_CHILDREN], INTO_MONTHS)
    assert (caught.value.code, caught.value.field) == ("INVALID_SPLIT", "over")
    assert "over its owner's children" in caught.value.message_en
    assert "按下级拆分" in caught.value.message_zh
    with pytest.raises(InvalidInput, match="into quarters"):
        check_one_split([SplitShape(True, PeriodKind.QUARTER)], INTO_MONTHS)


def test_a_child_belongs_to_one_split():
    check_free_child(None, 5, "East")  # a target on its own joins the split
    check_free_child(5, 5, "East")  # the split's own child is refreshed
    with pytest.raises(InvalidInput) as caught:
        check_free_child(4, 5, "East")
    assert caught.value.code == "INVALID_SPLIT" and "East" in caught.value.message_en


def test_a_child_is_never_adjusted_alone():
    check_adjustable(has_parent=False)
    with pytest.raises(Conflict) as caught:
        check_adjustable(has_parent=True)
    assert (caught.value.code, caught.value.field) == ("PARENT_SUM_FIXED", "amount")
    assert "rebalanceTargets" in caught.value.message_en
    assert "rebalanceTargets" in caught.value.message_zh


def test_largest_remainder_is_exact_beyond_a_floats_53_bits():
    from domain.targets.rules import largest_remainder

    total = 2**53 - 1
    weights = [0.1, 0.1, 1 / 3, 1 / 3, 30430.999511747657, 1 / 3, 0.1, 0.1, 1 / 3]
    parts = largest_remainder(total, weights)
    assert sum(parts) == total  # in floats some parts floored too high: 9 units too many
    exact = [Fraction(total) * Fraction(w) / sum(map(Fraction, weights)) for w in weights]
    assert all(abs(part - e) < 1 for part, e in zip(parts, exact, strict=True))
