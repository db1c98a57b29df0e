"""Drift: a rep whose recent results fall well below their long-run estimate (see the module
docstring of `coaching.routing.estimate`): the windows of the last 1, 2, 4 … weeks, the lowest
z among those with enough closed leads, and the factor that scales the estimate down."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coaching.routing.policy import DriftRule


@dataclass(frozen=True)
class Drift:
    """Per rep (table order): the window that counted, its numbers, and the verdict."""

    recent_won: np.ndarray
    recent_closed: np.ndarray
    recent_expected: np.ndarray
    recent_weeks: np.ndarray
    z: np.ndarray
    drifted: np.ndarray
    factor: np.ndarray
    """min(1, (wins + pseudo_wins) / (expected + pseudo_wins)) where drifted, else 1."""


def drift_of(recent_won_weekly, recent_closed_weekly, mean: np.ndarray, drift: DriftRule) -> Drift:
    """`recent_*_weekly`: (reps, segments, sources, weeks) unweighted; `mean`: (reps,
    segments, sources), the long-run estimate the recent results are held against."""
    n_reps = mean.shape[0]
    outcomes_weeks = recent_won_weekly.shape[3]
    weeks_in_window = max(1, min(-(-drift.recent_days // 7), outcomes_weeks))
    # per week: wins, closed, expected and variance under the long-run estimate
    weekly = (
        recent_won_weekly.sum(axis=(1, 2)),
        recent_closed_weekly.sum(axis=(1, 2)),
        np.einsum("rsct,rsc->rt", recent_closed_weekly, mean),
        np.einsum("rsct,rsc->rt", recent_closed_weekly, mean * (1 - mean)),
    )
    recent_won, recent_closed = np.zeros(n_reps), np.zeros(n_reps)
    recent_expected, z = np.zeros(n_reps), np.zeros(n_reps)
    recent_weeks = np.zeros(n_reps, np.int64)
    span = 1
    while True:  # the last 1, 2, 4 … weeks, then the whole window: the sharpest signal counts
        span = min(span, weeks_in_window)
        w, n, e, v = (values[:, :span].sum(axis=1) for values in weekly)
        score = np.zeros(n_reps)
        np.divide(w - e, np.sqrt(v), out=score, where=v > 0)
        better = (n >= drift.min_leads) & (score < z)
        for target, value in zip(
            (recent_won, recent_closed, recent_expected, z), (w, n, e, score), strict=True
        ):
            target[better] = value[better]
        recent_weeks[better] = span
        if span == weeks_in_window:
            break
        span *= 2
    drifted = z <= -drift.z
    correction = np.ones(n_reps)
    denominator = recent_expected + drift.pseudo_wins
    np.divide(recent_won + drift.pseudo_wins, denominator, out=correction, where=denominator > 0)
    correction = np.minimum(1.0, correction)
    return Drift(
        recent_won,
        recent_closed,
        recent_expected,
        recent_weeks,
        z,
        drifted,
        np.where(drifted, correction, 1.0),
    )
