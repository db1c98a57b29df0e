"""Win probability learned from the company's own closed deals: a logistic regression over
the features of `features.py`, calibrated (Platt scaling over 5 folds), checked on the most
recent quarter of the history against the fixed stage table, then refitted on all of it and
stored as the next version (`model_store.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sqlalchemy.ext.asyncio import AsyncSession

from domain.forecasts import model_store
from domain.forecasts.features import FEATURES, Snapshot, feature_row, training_rows
from domain.forecasts.history import closed_histories
from domain.settings import Settings
from domain.targets.actuals import DEFAULT_STAGE_PROBABILITIES

HISTORY_DAYS = 730
MIN_EACH = 5  # won and lost deals needed, at the least
HOLDOUT_SHARE = 0.25
FOLDS = 5
EPSILON = 1e-3  # a stage table's 0 or 1 would make the log loss infinite


@dataclass(frozen=True)
class TrainedModel:
    version: int
    trained_on: date
    path: Path
    deals: int
    won: int
    lost: int
    rows: int
    metrics: dict[str, float]


@dataclass(frozen=True)
class TrainingOutcome:
    model: TrainedModel | None
    message_zh: str
    message_en: str


def stage_table(settings: Settings) -> dict[str, float]:
    """The fixed chance per open stage (PACER_STAGE_PROBABILITIES, else the defaults)."""
    return settings.stage_probabilities or DEFAULT_STAGE_PROBABILITIES


# --- fitting and scoring (no database) ----------------------------------------------------


def fit(snapshots: Sequence[Snapshot], won: Sequence[bool]) -> dict[str, Any]:
    """A calibrated logistic regression and what is needed to explain its answers."""
    vectorizer = DictVectorizer(sparse=False)
    matrix = vectorizer.fit_transform([feature_row(s) for s in snapshots])
    labels = np.asarray(won, dtype=int)
    base = Pipeline(
        [("scale", StandardScaler()), ("regression", LogisticRegression(C=0.5, max_iter=2000))]
    )
    folds = max(2, min(FOLDS, int(labels.sum()), int(len(labels) - labels.sum())))
    model = CalibratedClassifierCV(base, method="sigmoid", cv=folds, ensemble=False)
    model.fit(matrix, labels)
    names = list(vectorizer.get_feature_names_out())
    return {
        "vectorizer": vectorizer,
        "model": model,
        "groups": [name.split("=", 1)[0] for name in names],
    }


def predict(bundle: dict[str, Any], snapshots: Sequence[Snapshot]) -> np.ndarray:
    if not snapshots:
        return np.zeros(0)
    matrix = bundle["vectorizer"].transform([feature_row(s) for s in snapshots])
    return bundle["model"].predict_proba(matrix)[:, 1]


def explain(
    bundle: dict[str, Any], snapshots: Sequence[Snapshot], top: int = 3
) -> list[list[tuple[str, float]]]:
    """Per snapshot, the `top` features that moved its log-odds most from the average deal
    (the regression's coefficient × the standardised value, summed over a feature's
    columns), largest first; positive raises the chance."""
    if not snapshots:
        return []
    matrix = bundle["vectorizer"].transform([feature_row(s) for s in snapshots])
    base = bundle["model"].calibrated_classifiers_[0].estimator
    effects = base["scale"].transform(matrix) * base["regression"].coef_[0]
    groups = bundle["groups"]
    order = [name for name in FEATURES if name in groups]
    index = {name: [i for i, g in enumerate(groups) if g == name] for name in order}
    totals = np.column_stack([effects[:, index[name]].sum(axis=1) for name in order])
    reasons = []
    for row in totals:
        ranked = sorted(range(len(order)), key=lambda i: (-abs(row[i]), i))[:top]
        reasons.append([(order[i], float(row[i])) for i in ranked])
    return reasons


def stage_chances(snapshots: Sequence[Snapshot], table: dict[str, float]) -> np.ndarray:
    return np.asarray([table.get(s.stage, 0.0) for s in snapshots], dtype=float)


def scores(chances: Sequence[float] | np.ndarray, won: Sequence[bool]) -> dict[str, float]:
    p = np.clip(np.asarray(chances, dtype=float), EPSILON, 1 - EPSILON)
    y = np.asarray(won, dtype=int)
    return {
        "log_loss": float(log_loss(y, p, labels=[0, 1])),
        "brier": float(brier_score_loss(y, p)),
    }


def split_by_time(
    rows: Sequence[tuple[Snapshot, bool, datetime]], share: float = HOLDOUT_SHARE
) -> tuple[list[int], list[int]]:
    """Row indices (earlier, later): the later ones are those of the deals that closed last
    (about `share` of the closing moments)."""
    moments = sorted({closed for _, _, closed in rows})
    if len(moments) < 2:
        return list(range(len(rows))), []
    cutoff = moments[min(len(moments) - 1, int(len(moments) * (1 - share)))]
    early = [i for i, row in enumerate(rows) if row[2] < cutoff]
    late = [i for i, row in enumerate(rows) if row[2] >= cutoff]
    return early, late


def holdout_metrics(
    rows: Sequence[tuple[Snapshot, bool, datetime]], table: dict[str, float]
) -> dict[str, float]:
    """Log loss and Brier score on the latest deals of a model fitted on the earlier ones,
    beside the stage table's; empty when either part lacks a win or a loss."""
    early, late = split_by_time(rows)
    if not _both_outcomes([rows[i][1] for i in early]) or not _both_outcomes(
        [rows[i][1] for i in late]
    ):
        return {}
    bundle = fit([rows[i][0] for i in early], [rows[i][1] for i in early])
    held = [rows[i][0] for i in late]
    won = [rows[i][1] for i in late]
    model = scores(predict(bundle, held), won)
    table_scores = scores(stage_chances(held, table), won)
    return {
        "holdout_rows": float(len(late)),
        "log_loss": model["log_loss"],
        "brier": model["brier"],
        "stage_table_log_loss": table_scores["log_loss"],
        "stage_table_brier": table_scores["brier"],
    }


def _both_outcomes(won: Sequence[bool]) -> bool:
    return any(won) and not all(won)


# --- training on the database --------------------------------------------------------------


async def train(session: AsyncSession, settings: Settings, *, today: date) -> TrainingOutcome:
    """Learn from the deals closed in the two years up to `today` and store the model; with
    too thin a history, store nothing and say why."""
    zone = ZoneInfo(settings.timezone)
    until = datetime.combine(today + timedelta(days=1), time(), zone).astimezone(UTC)
    deals = await closed_histories(session, since=until - timedelta(days=HISTORY_DAYS), until=until)
    won = sum(deal.outcome == "won" for deal in deals)
    lost = len(deals) - won
    needed = settings.forecast_min_closed_deals
    if len(deals) < needed or won < MIN_EACH or lost < MIN_EACH:
        return TrainingOutcome(
            None,
            f"历史太少，无法训练：近两年结单 {len(deals)} 个（赢 {won}、输 {lost}），"
            f"至少需要 {needed} 个且赢、输各 {MIN_EACH} 个；继续使用阶段概率。",
            f"history too thin to train: {len(deals)} deals closed in two years ({won} won, "
            f"{lost} lost); at least {needed} are needed, {MIN_EACH} won and {MIN_EACH} lost; "
            "the stage probabilities stay in use",
        )
    rows = training_rows(deals)
    metrics = holdout_metrics(rows, stage_table(settings))
    bundle = fit([row[0] for row in rows], [row[1] for row in rows])
    meta = {
        "trained_on": today.isoformat(),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "deals": len(deals),
        "won": won,
        "lost": lost,
        "rows": len(rows),
        "metrics": metrics,
        "features": list(FEATURES),
        "sklearn": sklearn.__version__,
        "method": "logistic regression, sigmoid-calibrated",
    }
    version, path = model_store.save(settings.forecast_model_dir, bundle, meta)
    model = TrainedModel(version, today, path, len(deals), won, lost, len(rows), metrics)
    return TrainingOutcome(
        model,
        f"已训练胜率模型 v{version}：结单 {len(deals)} 个（赢 {won}、输 {lost}），{path}",
        f"trained win-probability model v{version} on {len(deals)} closed deals "
        f"({won} won, {lost} lost): {path}",
    )


async def train_model(
    session: AsyncSession, settings: Settings, *, today: date
) -> TrainedModel | None:
    """The stored model, or None when the history is too thin (see `train` for why)."""
    return (await train(session, settings, today=today)).model
