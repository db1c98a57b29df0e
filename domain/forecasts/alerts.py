"""The weekly forecast alert, evaluated with the other alert rules on every daily run.

For each unit's call standing in the evaluated day's ISO week (that week's call, else the
latest earlier one) for the running month and quarter: orange when the commit covers less
than `forecast_commit_ratio` of the unit's approved target (below the pace to make it),
yellow when it only drifts from the model's prediction made with it by more than
`forecast_drift`. The alerts context raises, refreshes, escalates and resolves the series
(one per unit and period, so a new period starts a new series and the old one resolves):
domain/alerts/signals.py turns each `Risk` into a finding of the `forecast` rule and each
`Clear` into a clearance (the alerts context sits above this one and imports it, not the
other way round)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.forecasts import rules
from domain.forecasts.models import ForecastCall
from domain.forecasts.tree import Owner, period_targets
from domain.kernel.severity import Severity
from domain.org.models import OrgUnit
from domain.settings import Settings
from domain.targets import actuals
from domain.targets.models import Metric, PeriodKind, TargetStatus
from domain.targets.periods import Period

RATED = (TargetStatus.APPROVED.value, TargetStatus.LOCKED.value)


@dataclass(frozen=True)
class ForecastThresholds:
    commit_ratio: float = 0.9
    drift: float = 0.25

    @classmethod
    def of(cls, settings: Settings) -> ForecastThresholds:
        return cls(settings.forecast_commit_ratio, settings.forecast_drift)


@dataclass(frozen=True)
class Risk:
    """The rule trips for a unit's call: a finding of the alerts' `forecast` rule."""

    subject_key: str
    unit_id: int
    severity: Severity
    since: date
    evidence: dict[str, Any]


@dataclass(frozen=True)
class Clear:
    """It does not, and why (the reason an open alert resolves with)."""

    subject_key: str
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class UnitCall:
    unit_id: int
    unit: str
    period: Period
    week_start: date
    commit: int
    model_expected: int | None
    target: int | None


def judge(call: UnitCall, th: ForecastThresholds) -> Risk | Clear:
    """The rule over one unit's standing call (plain: no database)."""
    key = f"forecast:unit:{call.unit_id}:{call.period.kind.value}:{call.period.start:%Y-%m}"
    short = call.target is not None and rules.commit_short_of_target(
        call.commit, call.target, th.commit_ratio
    )
    drift = None if call.model_expected is None else rules.drift(call.commit, call.model_expected)
    drifting = drift is not None and abs(drift) > th.drift
    label = call.period.label()
    if not (short or drifting):
        return Clear(
            key,
            f"{label} 承诺预测已达目标节奏，且与模型相差在 {th.drift:.0%} 以内",
            f"the {label} commit is on target pace and within {th.drift:.0%} of the model",
        )
    zh, en = [], []
    if short:
        share = call.commit / call.target if call.target else 0.0
        zh.append(f"承诺仅为目标的 {share:.0%}")
        en.append(f"commit at {share:.0%} of target")
    if drifting and drift is not None:
        zh.append(f"与模型预测相差 {drift:+.0%}")
        en.append(f"{drift:+.0%} from the model")
    return Risk(
        subject_key=key,
        severity=Severity.ORANGE if short else Severity.YELLOW,
        unit_id=call.unit_id,
        since=call.week_start,
        evidence={
            "unit": call.unit,
            "period": label,
            "week_start": call.week_start.isoformat(),
            "commit": call.commit,
            "target": call.target,
            "model_expected": call.model_expected,
            "drift": None if drift is None else round(drift, 4),
            "commit_ratio": th.commit_ratio,
            "drift_threshold": th.drift,
            "headline_zh": f"{call.unit} {label} 预测风险：{'，'.join(zh)}",
            "headline_en": f"{call.unit} {label} forecast at risk: {'; '.join(en)}",
        },
    )


async def forecast_outcomes(
    session: AsyncSession, day: date, th: ForecastThresholds
) -> list[Risk | Clear]:
    """Every unit call standing on `day` for the running month and quarter, judged."""
    week = rules.monday_of(day)
    periods = [Period.containing(PeriodKind.MONTH, day), Period.containing(PeriodKind.QUARTER, day)]
    standing = await _unit_calls(session, periods, week)
    if not standing:
        return []
    amounts = await _targets(session, standing, periods)
    rows = await session.execute(
        select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_({c.owner_unit_id for c in standing}))
    )
    names = {unit_id: name for unit_id, name in rows}
    return [
        judge(
            UnitCall(
                unit_id=c.owner_unit_id or 0,
                unit=names.get(c.owner_unit_id or 0, ""),
                period=Period(PeriodKind(c.period_kind), c.period_start),
                week_start=c.week_start,
                commit=c.commit_amount,
                model_expected=c.model_expected,
                target=amounts.get((c.owner_key, c.period_kind, c.period_start)),
            ),
            th,
        )
        for c in standing
    ]


async def _unit_calls(
    session: AsyncSession, periods: list[Period], week: date
) -> list[ForecastCall]:
    rows = await session.scalars(
        select(ForecastCall).where(
            ForecastCall.owner_unit_id.is_not(None),
            ForecastCall.metric == Metric.REVENUE.value,
            ForecastCall.week_start <= week,
            ForecastCall.period_start.in_({p.start for p in periods}),
            ForecastCall.period_kind.in_({p.kind.value for p in periods}),
        )
    )
    wanted = {(p.kind.value, p.start) for p in periods}
    by_key: dict[tuple, list[tuple[date, ForecastCall]]] = defaultdict(list)
    for call in rows:
        if (call.period_kind, call.period_start) in wanted:
            by_key[(call.owner_key, call.period_kind, call.period_start)].append(
                (call.week_start, call)
            )
    found = [rules.latest_by_week(calls, week) for _, calls in sorted(by_key.items())]
    return [call for call in found if call is not None]


async def _targets(session: AsyncSession, calls: list[ForecastCall], periods: list[Period]):
    """Per (owner key, period kind, period start): the unit's approved target (its own, or
    the sum of its reps' month targets)."""
    found = {}
    for period in periods:
        owners = [
            Owner(unit_id=c.owner_unit_id)
            for c in calls
            if (c.period_kind, c.period_start) == (period.kind.value, period.start)
        ]
        if not owners:
            continue
        reps = await actuals.reps_under(session, owners)
        targets = await period_targets(session, reps, Metric.REVENUE.value, period, RATED)
        for key, amount in targets.items():
            found[(key, period.kind.value, period.start)] = amount
    return found
