"""The chance of winning each deal: the newest stored model when there is one, else the
fixed stage table (PACER_STAGE_PROBABILITIES); closed deals are 1 (won) or 0 (lost)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.forecasts import model_store
from domain.forecasts.features import describe
from domain.forecasts.history import open_snapshots
from domain.forecasts.learning import explain, predict, stage_table
from domain.labels import LabelledEnum, register
from domain.pipeline.models import Opportunity
from domain.settings import Settings


@register
class WinProbabilitySource(LabelledEnum):
    MODEL = ("model", "学习模型", "Learned model")
    STAGE_TABLE = ("stage_table", "阶段概率表", "Stage probability table")
    OUTCOME = ("outcome", "已结单", "Closed deal")


MODEL = WinProbabilitySource.MODEL.value
STAGE_TABLE = WinProbabilitySource.STAGE_TABLE.value
OUTCOME = WinProbabilitySource.OUTCOME.value
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reason:
    """A feature of the deal and how far it moved the chance from the average deal's."""

    feature: str
    label_zh: str
    label_en: str
    effect: float  # log-odds; positive raises the chance


@dataclass(frozen=True)
class WinChance:
    value: float
    source: str  # MODEL, STAGE_TABLE, or OUTCOME for a closed deal
    reasons: tuple[Reason, ...] = ()
    model_version: int | None = None


def newest_model(settings: Settings) -> model_store.StoredModel | None:
    """The model in use; a stored model that cannot be trusted or read is logged and left
    aside (the stage table answers instead)."""
    try:
        return model_store.latest(settings.forecast_model_dir)
    except model_store.ModelFileError as exc:
        log.warning("win-probability model not used: %s", exc)
        return None


async def win_chances(
    session: AsyncSession,
    settings: Settings,
    opportunities: Sequence[Opportunity],
    *,
    today: date,
) -> dict[int, WinChance]:
    """Per opportunity id, its chance of being won, with its three main reasons when the
    model gave it. One batch for all: a few statements, the model loaded once."""
    chances: dict[int, WinChance] = {}
    open_deals = []
    for opp in opportunities:
        if opp.stage in ("won", "lost"):
            chances[opp.id] = WinChance(1.0 if opp.stage == "won" else 0.0, OUTCOME)
        else:
            open_deals.append(opp)
    stored = newest_model(settings) if open_deals else None
    if stored is None:
        table = stage_table(settings)
        for opp in open_deals:
            chances[opp.id] = WinChance(table.get(opp.stage, 0.0), STAGE_TABLE)
        return chances
    now = datetime.combine(today, time(12), ZoneInfo(settings.timezone)).astimezone(UTC)
    snapshots = await open_snapshots(session, open_deals, now)
    ordered = [snapshots[opp.id] for opp in open_deals]
    values = predict(stored.bundle, ordered)
    explained = explain(stored.bundle, ordered)
    for opp, snapshot, value, reasons in zip(open_deals, ordered, values, explained, strict=True):
        chances[opp.id] = WinChance(
            value=float(value),
            source=MODEL,
            reasons=tuple(
                Reason(feature, *describe(feature, snapshot), effect) for feature, effect in reasons
            ),
            model_version=stored.version,
        )
    return chances


async def win_chances_by_ids(
    session: AsyncSession, settings: Settings, ids: Sequence[int], *, today: date
) -> dict[int, WinChance]:
    """`win_chances` of the opportunities with these ids (a DataLoader's batch)."""
    rows = await session.scalars(select(Opportunity).where(Opportunity.id.in_(list(ids))))
    return await win_chances(session, settings, list(rows), today=today)
