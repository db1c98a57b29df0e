"""Fitting, scoring and explaining on a generated history (no database)."""

from __future__ import annotations

from datetime import date

import numpy as np

from domain.forecasts.features import FEATURES, training_rows
from domain.forecasts.learning import (
    explain,
    fit,
    holdout_metrics,
    predict,
    scores,
    split_by_time,
    stage_chances,
)
from domain.targets.actuals import DEFAULT_STAGE_PROBABILITIES
from tests.support.forecast_history import generate

DEALS = generate(17, deals=900, today=date(2026, 11, 30), reps=list(range(1, 9)))
ROWS = training_rows([d.history for d in DEALS])


def test_the_split_keeps_the_latest_deals_apart():
    early, late = split_by_time(ROWS)
    assert early and late and len(early) + len(late) == len(ROWS)
    assert max(ROWS[i][2] for i in early) < min(ROWS[i][2] for i in late)


def test_the_model_beats_the_stage_table_on_later_deals():
    metrics = holdout_metrics(ROWS, DEFAULT_STAGE_PROBABILITIES)
    assert metrics["log_loss"] < metrics["stage_table_log_loss"]
    assert metrics["brier"] < metrics["stage_table_brier"]


def test_scores_are_those_of_the_definitions():
    result = scores([0.8, 0.4], [True, False])
    assert np.isclose(result["brier"], ((0.2**2) + (0.4**2)) / 2)
    assert np.isclose(result["log_loss"], -(np.log(0.8) + np.log(0.6)) / 2)
    assert np.isfinite(scores([0.0, 1.0], [True, False])["log_loss"])  # clipped


def test_reasons_are_the_three_largest_effects():
    bundle = fit([r[0] for r in ROWS], [r[1] for r in ROWS])
    snapshots = [r[0] for r in ROWS[:40]]
    chances = predict(bundle, snapshots)
    assert ((chances > 0) & (chances < 1)).all()
    for reasons in explain(bundle, snapshots):
        assert len(reasons) == 3 and {name for name, _ in reasons} <= set(FEATURES)
        sizes = [abs(effect) for _, effect in reasons]
        assert sizes == sorted(sizes, reverse=True)
    later = [r[0] for r in ROWS if r[0].stage == "negotiation"][:50]
    earlier = [r[0] for r in ROWS if r[0].stage == "lead"][:50]
    assert predict(bundle, later).mean() > predict(bundle, earlier).mean()
    assert stage_chances(later, DEFAULT_STAGE_PROBABILITIES).tolist() == [0.7] * len(later)
