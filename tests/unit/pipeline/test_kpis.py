from __future__ import annotations

from datetime import date

import pytest

from domain.pipeline.kpis import DEFAULT_MINIMUMS, KpiDay, check_minimums, miss_streak

JUNIOR = DEFAULT_MINIMUMS["junior"]


def day(n: int, **counts) -> KpiDay:
    return KpiDay(date(2026, 3, n), counts, JUNIOR)


def test_the_field_defaults():
    assert [DEFAULT_MINIMUMS[level]["touches"] for level in ("junior", "mid", "senior")] == [
        8,
        6,
        4,
    ]
    assert DEFAULT_MINIMUMS["senior"] == {
        "touches": 4,
        "needs_confirmed": 3,
        "proposals_sent": 3,
        "demos_booked": 3,
    }


def test_a_day_is_hit_only_when_every_minimum_is_met():
    full = dict(touches=8, needs_confirmed=2, proposals_sent=1, demos_booked=1)
    assert day(2, **full).hit
    short = day(3, **{**full, "touches": 7})
    assert not short.hit and short.missed == ["touches"]
    assert day(4).missed == ["touches", "needs_confirmed", "proposals_sent", "demos_booked"]


def test_miss_streak_counts_back_from_the_last_day():
    full = dict(touches=9, needs_confirmed=2, proposals_sent=1, demos_booked=1)
    assert miss_streak([day(2), day(3, **full), day(4), day(5)]) == 2
    assert miss_streak([day(2), day(3)]) == 2
    assert miss_streak([day(2), day(3, **full)]) == 0
    assert miss_streak([]) == 0


def test_minimums_must_be_complete():
    assert check_minimums(DEFAULT_MINIMUMS) == DEFAULT_MINIMUMS
    with pytest.raises(ValueError, match="junior"):
        check_minimums({**DEFAULT_MINIMUMS, "junior": {"touches": 8}})
    with pytest.raises(ValueError, match="mid"):
        check_minimums({**DEFAULT_MINIMUMS, "mid": {**JUNIOR, "touches": -1}})
