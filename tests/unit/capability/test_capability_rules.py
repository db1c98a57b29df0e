"""Capability rules without a database: recency, confidence, tiers, combining sources,
ratings, dimensions — and the invariants as hypothesis properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.capability import rules
from domain.capability.models import CapabilityTier
from domain.capability.rules import Observation, combine
from domain.errors import InvalidInput

TODAY = date(2026, 11, 20)
HALF_LIFE = 90.0
SOURCES = ("practice", "rating", "deals")


def seen(source: str, value: float, days_ago: int = 0, count: int = 1) -> Observation:
    return Observation(source, value, TODAY - timedelta(days=days_ago), count)


def test_recency_halves_every_half_life_and_never_grows():
    assert rules.recency_weight(0, HALF_LIFE) == 1
    assert rules.recency_weight(90, HALF_LIFE) == pytest.approx(0.5)
    assert rules.recency_weight(180, HALF_LIFE) == pytest.approx(0.25)
    assert rules.recency_weight(-5, HALF_LIFE) == 1  # dated after the day: as new


def test_confidence_is_n_over_n_plus_k():
    assert rules.confidence(0) == 0
    assert rules.confidence(rules.CONFIDENCE_K) == 0.5
    assert rules.confidence(15) == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("score", "tier"),
    [
        (100, CapabilityTier.EXPERT),
        (90, CapabilityTier.EXPERT),
        (89.9, CapabilityTier.PROFICIENT),
        (75, CapabilityTier.PROFICIENT),
        (74.9, CapabilityTier.DEVELOPING),
        (50, CapabilityTier.DEVELOPING),
        (49.9, CapabilityTier.NOVICE),
        (0, CapabilityTier.NOVICE),
        (None, None),
    ],
)
def test_tiers(score, tier):
    assert rules.tier(score) == tier


def test_no_evidence_no_score():
    assert combine([], TODAY, HALF_LIFE) == rules.Combined(None, 0.0, 0, ())


def test_one_source_gives_its_weighted_mean_with_the_breakdown():
    combined = combine([seen("practice", 80), seen("practice", 40, 90)], TODAY, HALF_LIFE)
    # weights 1 and ½: (80 + 20) / 1.5
    assert combined.score == pytest.approx(66.7)
    assert combined.observations == 2
    assert combined.confidence == pytest.approx(round(1.5 / 6.5, 3))
    (practice,) = combined.sources
    assert (practice.source, practice.value, practice.weight, practice.observations) == (
        "practice",
        66.7,
        1.0,
        2,
    )


def test_sources_weigh_by_their_weight_and_their_evidence():
    """With the same evidence, deals (0.40) speak louder than ratings (0.35) and practice (0.25);
    a deal-quality row stands for all the deals behind it."""
    combined = combine(
        [seen("practice", 0), seen("rating", 50), seen("deals", 100)], TODAY, HALF_LIFE
    )
    shares = {part.source: part.weight for part in combined.sources}
    assert shares == {"deals": 0.4, "practice": 0.25, "rating": 0.35}
    assert combined.score == pytest.approx(57.5)
    assert sum(shares.values()) == pytest.approx(1)
    many_deals = combine([seen("practice", 0), seen("deals", 100, count=10)], TODAY, HALF_LIFE)
    assert {p.source: p.observations for p in many_deals.sources} == {"deals": 10, "practice": 1}
    assert many_deals.score > 75


def test_evidence_gone_with_time_counts_for_nothing():
    ancient = combine([seen("rating", 100, days_ago=100_000)], TODAY, HALF_LIFE)
    assert ancient.score is None


observations = st.lists(
    st.builds(
        Observation,
        source=st.sampled_from(SOURCES),
        value=st.floats(0, 100),
        observed_on=st.dates(TODAY - timedelta(days=3650), TODAY + timedelta(days=30)),
        count=st.integers(1, 50),
    ),
    max_size=30,
)


@given(observations)
def test_a_score_stays_within_0_and_100_and_its_weights_sum_to_1(items):
    combined = combine(items, TODAY, HALF_LIFE)
    if combined.score is not None:
        assert 0 <= combined.score <= 100
        assert sum(part.weight for part in combined.sources) == pytest.approx(1, abs=0.01)
        assert 0 <= combined.confidence < 1


@given(
    st.sampled_from(SOURCES),
    st.floats(0, 100),
    st.floats(0, 100),
    st.integers(0, 1000),
    st.integers(1, 1000),
)
def test_more_recent_evidence_weighs_more(source, newer, older, newer_age, gap):
    combined = combine(
        [seen(source, newer, newer_age), seen(source, older, newer_age + gap)], TODAY, HALF_LIFE
    )
    assert abs(combined.score - newer) <= abs(combined.score - older) + 0.1  # rounding


@given(observations, st.sampled_from(SOURCES), st.floats(0, 100), st.integers(0, 3650))
def test_adding_an_observation_never_lowers_confidence(items, source, value, age):
    before = combine(items, TODAY, HALF_LIFE).confidence
    after = combine([*items, seen(source, value, age)], TODAY, HALF_LIFE).confidence
    assert after >= before


def test_ratings_map_onto_0_to_100():
    assert [rules.rating_value(stars) for stars in range(1, 6)] == [0, 25, 50, 75, 100]
    assert rules.check_rating(3) == 3
    with pytest.raises(InvalidInput) as refused:
        rules.check_rating(6)
    assert (refused.value.code, refused.value.field) == ("INVALID_RATING", "rating")


def test_a_rating_speaks_to_the_dimensions_it_names_else_its_subjects_defaults():
    configured = tuple(rules.DEFAULT_DIMENSIONS)
    assert rules.rating_dimensions(["closing", "closing"], "follow_up", configured) == ("closing",)
    assert rules.rating_dimensions(None, "follow_up", configured) == (
        "needs_discovery",
        "solution_presentation",
        "product_knowledge",
    )
    assert rules.rating_dimensions([], "opportunity", configured) == (
        "negotiation",
        "objection_handling",
        "closing",
    )
    assert rules.rating_dimensions(None, "opportunity", ("empathy", "grit")) == ("empathy", "grit")
    with pytest.raises(InvalidInput) as refused:
        rules.rating_dimensions(["charm"], "opportunity", configured)
    assert (refused.value.code, refused.value.field) == ("UNKNOWN_DIMENSION", "dimensions")
    assert "charm" in refused.value.message_en and "charm" in refused.value.message_zh


def test_dimensions_and_their_labels():
    assert rules.check_dimensions(["a", "b_2"]) == ("a", "b_2")
    for bad in ([], ["Bad"], ["a", "a"], [f"d{i}" for i in range(21)]):
        with pytest.raises(ValueError):
            rules.check_dimensions(bad)
    assert rules.dimension_labels("negotiation") == ("谈判张力", "Negotiation")
    assert rules.dimension_label("closing", "zh") == "促成"
    assert rules.dimension_labels("key_account_care") == ("key account care", "Key account care")


def test_overrides_stay_within_0_and_100():
    assert rules.check_score(72.44) == 72.4
    with pytest.raises(InvalidInput) as refused:
        rules.check_score(100.5)
    assert refused.value.code == "INVALID_SCORE"


def test_weak_dimensions_are_those_below_the_threshold_with_a_score():
    scores = {"closing": 59.9, "negotiation": 60, "needs_discovery": None}
    configured = ("needs_discovery", "negotiation", "closing")
    assert rules.weak_dimensions(scores, configured, 60) == ("closing",)


def test_a_day_to_come_is_refused():
    assert rules.check_day(None, TODAY) == TODAY
    assert rules.check_day(TODAY - timedelta(days=1), TODAY) == TODAY - timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        rules.check_day(TODAY + timedelta(days=1), TODAY)
    assert (refused.value.code, refused.value.field) == ("DAY_IN_FUTURE", "as_of")
