"""The spread of a period's outcome: Bernoulli draws over the deals (pure, seeded)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DRAWS = 4000
SEED = 20_261_204
LOW_PERCENTILE = 10
HIGH_PERCENTILE = 90


@dataclass(frozen=True)
class Interval:
    expected: int
    low: int
    high: int


def expected_amount(chances: Sequence[float], amounts: Sequence[int]) -> int:
    """Σ chance × amount, rounded to the nearest minor unit."""
    return round(sum(p * a for p, a in zip(chances, amounts, strict=True)))


def simulate(
    chances: Sequence[float],
    amounts: Sequence[int],
    *,
    draws: int = DRAWS,
    seed: int = SEED,
    low_pct: float = LOW_PERCENTILE,
    high_pct: float = HIGH_PERCENTILE,
) -> Interval:
    """Each draw wins every deal independently with its chance; the interval is the
    `low_pct`/`high_pct` percentiles of the drawn totals (the same seed, the same answer)."""
    expected = expected_amount(chances, amounts)
    if not chances:
        return Interval(0, 0, 0)
    p = np.clip(np.asarray(chances, dtype=float), 0.0, 1.0)
    money = np.asarray(amounts, dtype=float)
    rng = np.random.default_rng(seed)
    totals = np.zeros(draws)
    # In slices, so a large pipeline never needs draws × deals floats at once.
    step = max(1, 2_000_000 // max(1, draws))
    for begin in range(0, len(p), step):
        wins = rng.random((draws, len(p[begin : begin + step]))) < p[begin : begin + step]
        totals += wins @ money[begin : begin + step]
    low, high = np.percentile(totals, [low_pct, high_pct], method="lower")
    return Interval(expected=expected, low=int(round(low)), high=int(round(high)))
