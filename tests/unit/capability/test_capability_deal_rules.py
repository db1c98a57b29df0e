"""Deal quality as capability evidence, and the quarters it is counted in."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.capability.deal_rules import (
    ClosedDeal,
    deal_quality,
    quarter_of,
    recent_quarters,
    relative_score,
)
from domain.capability.rules import DEFAULT_DIMENSIONS

DIMENSIONS = tuple(DEFAULT_DIMENSIONS)


def test_matching_the_unit_scores_60_twice_as_good_100_half_as_good_40():
    assert [relative_score(r) for r in (0, 0.5, 1, 1.5, 2, 5)] == [20, 40, 60, 80, 100, 100]


def by(evidence, rep_id: int) -> dict[str, float]:
    return {e.dimension: e.value for e in evidence if e.rep_id == rep_id}


def test_a_rep_is_compared_with_their_unit_in_the_same_segment():
    deals = [
        # rep 1: 2 of 2 won, one high-margin, 10 and 30 days
        ClosedDeal(1, 9, "smb", True, True, 10),
        ClosedDeal(1, 9, "smb", True, False, 30),
        # rep 2: 1 of 2 won, not high-margin, 60 days
        ClosedDeal(2, 9, "smb", True, False, 60),
        ClosedDeal(2, 9, "smb", False),
        # another unit and another segment do not count
        ClosedDeal(3, 8, "smb", False),
        ClosedDeal(1, 9, "government", False),
    ]
    evidence = deal_quality(deals, DIMENSIONS)
    # unit 9 smb: win rate 3/4, high-margin share 1/3, mean cycle 33.3 days
    rep1 = by([e for e in evidence if e.segment == "smb"], 1)
    assert rep1["closing"] == relative_score(1 / 0.75)
    assert rep1["solution_presentation"] == relative_score(0.5 / (1 / 3))
    assert rep1["negotiation"] == pytest.approx(
        (rep1["closing"] + rep1["solution_presentation"]) / 2, abs=0.06
    )
    assert rep1["needs_discovery"] == relative_score((100 / 3) / 20)
    assert "objection_handling" not in rep1 and "product_knowledge" not in rep1
    rep2 = by([e for e in evidence if e.segment == "smb"], 2)
    assert rep2["closing"] == relative_score(0.5 / 0.75)
    assert rep2["solution_presentation"] == relative_score(0)
    # alone in their unit and segment: nothing to compare with, 60
    assert by(evidence, 3) == {"closing": 60, "negotiation": 60}
    government = [e for e in evidence if e.segment == "government"]
    assert {e.dimension for e in government} == {"closing", "negotiation"}
    (closing,) = [
        e for e in evidence if e.rep_id == 1 and e.segment == "smb" and e.dimension == "closing"
    ]
    assert closing.observations == 2
    assert closing.metrics["win_rate"] == {
        "rep": 1.0,
        "unit": 0.75,
        "score": closing.value,
        "deals": 2,
    }


def test_only_configured_dimensions_get_evidence():
    evidence = deal_quality([ClosedDeal(1, 9, "smb", True)], ("closing", "empathy"))
    assert [(e.dimension, e.value) for e in evidence] == [("closing", 60)]


@given(
    st.lists(
        st.builds(
            ClosedDeal,
            rep_id=st.integers(1, 4),
            unit_id=st.integers(1, 2),
            segment=st.sampled_from(["smb", "government"]),
            won=st.booleans(),
            high_margin=st.booleans(),
            cycle_days=st.integers(0, 400),
        ),
        max_size=40,
    )
)
def test_deal_evidence_stays_within_0_and_100(deals):
    for found in deal_quality(deals, DIMENSIONS):
        assert 0 <= found.value <= 100 and found.observations >= 1


def test_quarters():
    assert quarter_of(date(2026, 11, 20)).key == "2026Q4"
    assert quarter_of(date(2026, 11, 20)).end == date(2026, 12, 31)
    assert quarter_of(date(2026, 1, 1)).start == date(2026, 1, 1)
    assert quarter_of(date(2026, 3, 31)).end == date(2026, 3, 31)
    periods = recent_quarters(date(2026, 11, 20), 4)
    assert [p.key for p in periods] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert periods[-1].end == date(2026, 11, 20) and periods[0].start == date(2026, 1, 1)
    assert [p.key for p in recent_quarters(date(2026, 2, 1), 2)] == ["2025Q4", "2026Q1"]
