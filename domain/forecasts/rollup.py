"""A unit's forecast roll-up for one period and week: per level — the unit itself, then each
child unit and each rep directly in it — its call, the sum of the calls below it, the
pipeline weighted by the fixed stage probabilities, the model's prediction, the target and
what is already sold, side by side.

Statements: the unit, its subtree (units, reps), the standing calls, the targets, the sales
and the weighted pipeline — a fixed number — plus one prediction per level."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from domain.forecasts import rules
from domain.forecasts.models import ForecastCall
from domain.forecasts.prediction import PeriodPrediction, predict_period
from domain.forecasts.rules import CallAmounts
from domain.forecasts.tree import (
    Owner,
    Tree,
    amounts_of,
    levels,
    load_tree,
    period_targets,
    standing_calls,
    visible_unit,
)
from domain.kernel.actor import Actor
from domain.settings import Settings
from domain.targets import actuals
from domain.targets.models import Metric, PeriodKind
from domain.targets.periods import Period


@dataclass(frozen=True)
class RollupLine:
    owner: Owner
    name: str
    is_unit: bool
    call: ForecastCall | None  # the call standing in the week (that week's or carried)
    below: CallAmounts | None  # units: the sum of the calls standing directly below
    calls_below: int  # how many owners directly below have a call standing
    owners_below: int
    weighted_pipeline: int
    prediction: PeriodPrediction
    target: int | None
    achieved: int  # sold in the period up to today


@dataclass(frozen=True)
class Rollup:
    unit_id: int
    metric: str
    period: Period
    week: date
    lines: list[RollupLine]


async def forecast_rollup(
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    *,
    unit_id: int,
    period_kind: PeriodKind,
    period_start: date,
    metric: str,
    week_start: date | None,
    today: date,
) -> Rollup:
    period = rules.call_period(period_kind, period_start)
    rules.check_metric(metric)
    week = rules.monday_of(today) if week_start is None else _monday(week_start)
    unit = await visible_unit(session, actor, unit_id)
    tree = await load_tree(session, unit)
    shown = levels(tree, actor)
    grandchildren = [o for owner in shown[1:] for o in tree.below(owner)]
    calls = await standing_calls(session, shown + grandchildren, metric, period, week)
    reps = {owner: tree.reps_under(owner) for owner in shown}
    targets = await period_targets(session, reps, metric, period)
    all_reps = {r for ids in reps.values() for r in ids}
    weighted = await actuals.weighted_pipeline(
        session, Metric(metric), all_reps, period.start, period.end, settings.stage_probabilities
    )
    sold_until = min(period.end, date.fromordinal(today.toordinal() + 1))
    achieved = await actuals.values_of_reps(session, Metric(metric), reps, period.start, sold_until)
    lines = []
    for owner in shown:
        lines.append(
            await _line(session, settings, tree, owner, calls, targets, weighted, achieved, period)
        )
    return Rollup(unit.id, metric, period, week, lines)


def _monday(day: date) -> date:
    rules.call_week(day, day)  # a Monday, else INVALID_WEEK
    return day


async def _line(session, settings, tree: Tree, owner, calls, targets, weighted, achieved, period):
    below = tree.below(owner)
    standing_below = [amounts_of(calls.get(o.key)) for o in below]
    prediction = await predict_period(
        session,
        settings,
        start=period.start,
        end=period.end,
        unit_id=owner.unit_id,
        rep_id=owner.rep_id,
    )
    return RollupLine(
        owner=owner,
        name=tree.name(owner),
        is_unit=owner.unit_id is not None,
        call=calls.get(owner.key),
        below=rules.roll_up(standing_below) if owner.unit_id is not None else None,
        calls_below=sum(1 for amounts in standing_below if amounts is not None),
        owners_below=len(below),
        weighted_pipeline=round(sum(weighted.get(r, 0.0) for r in tree.reps_under(owner))),
        prediction=prediction,
        target=targets.get(owner.key),
        achieved=int(achieved.get(owner, 0)),
    )
