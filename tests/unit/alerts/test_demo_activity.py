"""The demo's working days (domain/alerts/demo.py), without a database: missed days never run
on except where the story says so, and a hit meets every minimum."""

from __future__ import annotations

import random
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.alerts.demo_plan import day_counts, day_plan
from domain.pipeline.kpis import DEFAULT_MINIMUMS, KPIS, KpiDay

DAYS = [date(2026, 10, 19) + timedelta(days=n) for n in range(40) if n % 7 < 5]


def runs_of_misses(plan, days) -> list[int]:
    runs, current = [], 0
    for day in days:
        current = current + 1 if plan[day] != "hit" else 0
        if current:
            runs.append(current)
    return runs


@given(st.integers(0, 10_000), st.floats(0, 1), st.integers(0, 5))
def test_missed_days_never_run_on_but_where_forced(seed, share, quiet):
    plan = day_plan(DAYS, random.Random(seed), lambda _: share, quiet_last=quiet)
    assert set(plan) == set(DAYS)
    assert [plan[d] for d in DAYS[len(DAYS) - quiet :]] == ["quiet"] * quiet
    free = DAYS[: len(DAYS) - quiet - 1] if quiet else DAYS
    assert max(runs_of_misses(plan, free), default=0) <= 1


@given(st.integers(0, 10_000))
def test_two_forced_misses_are_two_and_no_more(seed):
    missed = DAYS[-6:-4]
    plan = day_plan(DAYS, random.Random(seed), lambda _: 0.5, missed=missed)
    assert [plan[d] for d in DAYS[-7:-3]] == ["hit", "miss", "miss", "hit"]


def test_the_plan_is_the_same_for_a_seed():
    first = day_plan(DAYS, random.Random(7), lambda _: 0.3, quiet_last=3)
    assert day_plan(DAYS, random.Random(7), lambda _: 0.3, quiet_last=3) == first
    assert "miss" in first.values()


@given(st.integers(0, 10_000), st.sampled_from(sorted(DEFAULT_MINIMUMS)))
def test_a_hit_meets_every_minimum_a_miss_falls_short_of_one(seed, level):
    rng, minimums = random.Random(seed), DEFAULT_MINIMUMS[level]
    day = date(2026, 11, 20)
    assert KpiDay(day, day_counts("hit", minimums, rng), minimums).hit
    missed = KpiDay(day, day_counts("miss", minimums, rng), minimums).missed
    assert len(missed) == 1
    quiet = day_counts("quiet", minimums, rng)
    assert set(quiet) == set(KPIS) and quiet["needs_confirmed"] == 0
