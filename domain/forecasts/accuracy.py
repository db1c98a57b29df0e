"""Accuracy on record: for closed periods, each level's call of record (see
`rules.call_of_record`: the last call frozen before the period began, else the first week's)
and the model's prediction made with that call, scored against what was actually sold —
error % and bias — and summed up per forecaster, best first."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import InvalidInput
from domain.forecasts import rules
from domain.forecasts.errors import ForecastError
from domain.forecasts.models import ForecastCall
from domain.forecasts.rules import Record, Score
from domain.forecasts.tree import Owner, levels, load_tree, visible_unit
from domain.kernel.actor import Actor
from domain.targets import actuals
from domain.targets.models import Metric, PeriodKind
from domain.targets.periods import Period

MAX_PERIODS = 12


@dataclass(frozen=True)
class PeriodScore:
    period: Period
    call: ForecastCall | None
    actual: int
    call_score: Score | None
    model_score: Score | None


@dataclass(frozen=True)
class Forecaster:
    owner: Owner
    name: str
    periods: list[PeriodScore]
    calls: Record
    model: Record


def closed_periods(periods: list[tuple[PeriodKind, date]], today: date) -> list[Period]:
    """Months or quarters that have ended by today (PERIOD_NOT_CLOSED), at most a dozen."""
    if len(periods) > MAX_PERIODS:
        raise InvalidInput(
            ForecastError.TOO_MANY_PERIODS,
            f"一次最多评估 {MAX_PERIODS} 个周期",
            f"At most {MAX_PERIODS} periods at once",
            "periods",
        )
    found = sorted({rules.call_period(kind, start) for kind, start in periods})
    if not found:
        raise InvalidInput(
            ForecastError.INVALID_PERIOD,
            "请至少指定一个周期",
            "Give at least one period",
            "periods",
        )
    for period in found:
        if period.end > today:
            raise InvalidInput(
                ForecastError.PERIOD_NOT_CLOSED,
                f"{period.label()} 尚未结束，不能评估",
                f"{period.label()} has not ended; it cannot be scored yet",
                "periods",
            )
    return found


async def forecast_accuracy(
    session: AsyncSession,
    actor: Actor,
    *,
    unit_id: int,
    periods: list[tuple[PeriodKind, date]],
    metric: str,
    today: date,
) -> list[Forecaster]:
    """Each level of the unit (itself, child units, its reps) with its scored periods and
    its record; the most accurate forecasters first (no scored period: last)."""
    rules.check_metric(metric)
    wanted = closed_periods(periods, today)
    unit = await visible_unit(session, actor, unit_id)
    tree = await load_tree(session, unit)
    owners = levels(tree, actor)
    calls = await _calls(session, owners, metric, wanted)
    reps = {owner: tree.reps_under(owner) for owner in owners}
    sold = {
        period: await actuals.values_of_reps(
            session, Metric(metric), reps, period.start, period.end
        )
        for period in wanted
    }
    forecasters = []
    for owner in owners:
        scored = [
            _scored(period, calls.get((owner.key, period), []), int(sold[period].get(owner, 0)))
            for period in wanted
        ]
        forecasters.append(
            Forecaster(
                owner,
                tree.name(owner),
                scored,
                rules.record(s.call_score for s in scored),
                rules.record(s.model_score for s in scored),
            )
        )
    return sorted(forecasters, key=_rank)


def _rank(forecaster: Forecaster) -> tuple[bool, float]:
    error = forecaster.calls.mean_error
    return (error is None, error or 0.0)


def _scored(period: Period, calls: list[tuple[date, ForecastCall]], actual: int) -> PeriodScore:
    call = rules.call_of_record(calls, period)
    if call is None:
        return PeriodScore(period, None, actual, None, None)
    model = None if call.model_expected is None else rules.score(call.model_expected, actual)
    return PeriodScore(period, call, actual, rules.score(call.commit_amount, actual), model)


async def _calls(session: AsyncSession, owners: list[Owner], metric: str, periods: list[Period]):
    """Per (owner key, period): every week's call, one statement."""
    rows = await session.scalars(
        select(ForecastCall).where(
            ForecastCall.owner_key.in_({o.key for o in owners}),
            ForecastCall.metric == metric,
            or_(
                *(
                    (ForecastCall.period_kind == p.kind.value)
                    & (ForecastCall.period_start == p.start)
                    for p in periods
                )
            ),
        )
    )
    found: dict[tuple[str, Period], list[tuple[date, ForecastCall]]] = defaultdict(list)
    for call in rows:
        period = Period(PeriodKind(call.period_kind), call.period_start)
        found[(call.owner_key, period)].append((call.week_start, call))
    return found
