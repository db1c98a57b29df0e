"""GraphQL types of forecasting: the category enum (and the resolver of
`Opportunity.forecastCategory`), calls with their versions, a unit's roll-up and the
accuracy record. Relationships resolve through per-request DataLoaders."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry
from strawberry.types import Info

from api.core.labels import expose_enum
from api.core.scalars import BigInt
from api.graphql.forecasts.win_probability import WinProbabilitySource  # exposed there
from api.graphql.org.types import OrgUnitNode, RepNode, UserNode, display_user
from api.graphql.targets.types import Metric, PeriodKind  # exposed there
from domain.forecasts import rules
from domain.forecasts import service as forecasts
from domain.forecasts.models import CallAction, ForecastCall, ForecastCategory
from domain.forecasts.rules import CallAmounts
from domain.forecasts.tree import Owner
from domain.targets.periods import Period

expose_enum(
    ForecastCategory,
    "Where a deal stands in the forecast: PIPELINE, BEST_CASE, COMMIT, OMITTED (set by the "
    "owner on an open deal), WON (a won deal; a lost one reads OMITTED). 预测类别。",
)
expose_enum(CallAction, "How a call's version came about. 预测版本的来由。")


def forecast_category_of(root: Any) -> ForecastCategory:
    """`Opportunity.forecastCategory`: the owner's choice, or what the outcome says."""
    return rules.effective_category(root.stage, root.forecast_category)


@strawberry.type(name="ForecastPeriod", description="A calendar month or quarter.")
class PeriodType:
    kind: PeriodKind = strawberry.field(description="MONTH or QUARTER.")
    start: date = strawberry.field(description="Its first day.")

    @strawberry.field(description="The day after it ends.")
    def end(self) -> date:
        return Period(self.kind, self.start).end

    @strawberry.field(description="e.g. 2026-11 or 2026-Q4.")
    def label(self) -> str:
        return Period(self.kind, self.start).label()


def period_type(period: Period) -> PeriodType:
    return PeriodType(kind=period.kind, start=period.start)


@strawberry.type(description="The figures of a call's version (not in the schema on its own).")
class CallFigures:
    commit_amount: BigInt = strawberry.field(name="commit", description="Commit, in fen.")
    best_case_amount: BigInt = strawberry.field(name="bestCase", description="Best case, in fen.")
    rollup_commit: BigInt | None = strawberry.field(
        name="sumBelowCommit", description="A unit's: the commits below when it was made."
    )
    rollup_best_case: BigInt | None = strawberry.field(
        name="sumBelowBestCase", description="A unit's: the best cases below when it was made."
    )
    note: str | None = strawberry.field(description="The note given with it.")
    reason: str | None = strawberry.field(description="Why a manager adjusted the sum below.")
    model_expected: BigInt | None = strawberry.field(
        description="The model's expected amount when it was made, in fen."
    )


@strawberry.type(name="ForecastCallVersion", description="One submit or adjustment of a call.")
class CallVersionType(CallFigures):
    version: int = strawberry.field(description="1, 2, … within the call.")
    action: CallAction = strawberry.field(description="SUBMITTED or ADJUSTED.")
    at: datetime = strawberry.field(description="When.")
    actor_user_id: strawberry.Private[int | None]

    @strawberry.field(description="Who.")
    async def by(self, info: Info) -> UserNode | None:
        return await display_user(info, self.actor_user_id)


@strawberry.type(
    name="ForecastCall",
    description="One owner's call for a period and metric in one ISO week (its latest "
    "version); frozen once the week has ended.",
)
class CallType(CallFigures):
    metric: Metric = strawberry.field(description="What is forecast (REVENUE).")
    week_start: date = strawberry.field(description="The Monday of the week it was made in.")
    version: int = strawberry.field(description="Its latest version.")
    action: CallAction = strawberry.field(description="How the latest version came about.")
    model_source: WinProbabilitySource | None = strawberry.field(
        description="Where the model's chances came from when it was made."
    )
    updated_at: datetime = strawberry.field(description="When the latest version was made.")
    id: strawberry.Private[int]
    period_kind: strawberry.Private[str]
    period_start: strawberry.Private[date]
    owner_unit_id: strawberry.Private[int | None]
    owner_rep_id: strawberry.Private[int | None]
    actor_user_id: strawberry.Private[int | None]

    @strawberry.field(description="The period called.")
    def period(self) -> PeriodType:
        return PeriodType(kind=PeriodKind(self.period_kind), start=self.period_start)

    @strawberry.field(description="The unit whose call it is (null for a rep's call).")
    async def unit(self, info: Info) -> OrgUnitNode | None:
        return await _unit(info, self.owner_unit_id)

    @strawberry.field(description="The rep whose call it is (null for a unit's call).")
    async def rep(self, info: Info) -> RepNode | None:
        return await _rep(info, self.owner_rep_id)

    @strawberry.field(description="Who made the latest version.")
    async def by(self, info: Info) -> UserNode | None:
        return await display_user(info, self.actor_user_id)

    @strawberry.field(description="Every version, oldest first.")
    async def versions(self, info: Info) -> list[CallVersionType]:
        loader = info.context.loaders.custom(
            "forecast_call_versions", forecasts.call_versions, scoped=False, default=list
        )
        return await loader.load(self.id)


async def _unit(info: Info, unit_id: int | None) -> OrgUnitNode | None:
    return None if unit_id is None else await info.context.loaders.unit.load(unit_id)


async def _rep(info: Info, rep_id: int | None) -> RepNode | None:
    return None if rep_id is None else await info.context.loaders.rep.load(rep_id)


def as_call(call: ForecastCall | None) -> CallType | None:
    """The ORM row as the GraphQL type reads it (attribute for attribute)."""
    return call  # type: ignore[return-value]


@strawberry.type(name="ForecastLinePrediction", description="The model's prediction for a level.")
class PredictionType:
    expected: BigInt = strawberry.field(description="Won so far + Σ win chance × amount, fen.")
    low: BigInt = strawberry.field(description="10th percentile of the simulation, fen.")
    high: BigInt = strawberry.field(description="90th percentile of the simulation, fen.")
    source: WinProbabilitySource = strawberry.field(
        description="MODEL (learned) or STAGE_TABLE (the fixed fallback)."
    )
    deals: int = strawberry.field(description="Open deals simulated.")


@strawberry.type(name="ForecastRollupLine", description="One level of a unit's roll-up.")
class RollupLineType:
    name: str = strawberry.field(description="The unit's or rep's name.")
    is_unit: bool = strawberry.field(description="A unit (true) or a rep (false).")
    calls_below: int = strawberry.field(description="Owners directly below with a call.")
    owners_below: int = strawberry.field(description="Owners directly below.")
    weighted_pipeline: BigInt = strawberry.field(
        description="Open deals closing in the period × the fixed stage probability, fen."
    )
    prediction: PredictionType = strawberry.field(description="The model's prediction.")
    target: BigInt | None = strawberry.field(description="The period's target, if any, fen.")
    achieved: BigInt = strawberry.field(description="Sold in the period so far, fen.")
    owner: strawberry.Private[Owner]
    below: strawberry.Private[CallAmounts | None]
    call: strawberry.Private[ForecastCall | None]

    @strawberry.field(
        name="call", description="Its call standing in the week (that week's or carried)."
    )
    def standing_call(self) -> CallType | None:
        return as_call(self.call)

    @strawberry.field(description="A unit's: the sum of the commits standing directly below.")
    def sum_below_commit(self) -> BigInt | None:
        below = self.below
        return None if below is None else below.commit

    @strawberry.field(description="A unit's: the sum of the best cases standing directly below.")
    def sum_below_best_case(self) -> BigInt | None:
        below = self.below
        return None if below is None else below.best_case

    @strawberry.field(description="The unit (null for a rep's line).")
    async def unit(self, info: Info) -> OrgUnitNode | None:
        return await _unit(info, self.owner.unit_id)

    @strawberry.field(description="The rep (null for a unit's line).")
    async def rep(self, info: Info) -> RepNode | None:
        return await _rep(info, self.owner.rep_id)


@strawberry.type(name="ForecastRollup", description="A unit's calls, side by side by level.")
class RollupType:
    metric: Metric = strawberry.field(description="REVENUE.")
    week: date = strawberry.field(description="The Monday of the week shown.")
    lines: list[RollupLineType] = strawberry.field(
        description="The unit first, then its child units, then its reps."
    )
    period: strawberry.Private[Period]

    @strawberry.field(name="period", description="The period.")
    def period_shown(self) -> PeriodType:
        return period_type(self.period)


@strawberry.type(name="ForecastScore", description="A forecast against the actual.")
class ScoreType:
    forecast: BigInt = strawberry.field(description="The forecast amount, fen.")
    actual: BigInt = strawberry.field(description="What was sold, fen.")
    error: float | None = strawberry.field(
        description="|forecast − actual| ÷ actual; null when nothing was sold."
    )
    bias: float | None = strawberry.field(
        description="(forecast − actual) ÷ actual: positive is optimistic; null when nothing sold."
    )


@strawberry.type(name="ForecastPeriodScore", description="One closed period of a forecaster.")
class PeriodScoreType:
    actual: BigInt = strawberry.field(description="What was sold in the period, fen.")
    call_score: ScoreType | None = strawberry.field(description="The call of record's commit.")
    model_score: ScoreType | None = strawberry.field(
        description="The model's prediction made with the call of record."
    )
    period: strawberry.Private[Period]
    call: strawberry.Private[ForecastCall | None]

    @strawberry.field(name="period", description="The period.")
    def period_scored(self) -> PeriodType:
        return period_type(self.period)

    @strawberry.field(
        name="call", description="The call of record: the last frozen before the period began."
    )
    def call_of_record(self) -> CallType | None:
        return as_call(self.call)


@strawberry.type(name="ForecastRecord", description="Scores summed up over periods.")
class RecordType:
    mean_error: float | None = strawberry.field(description="Mean absolute error (share).")
    mean_bias: float | None = strawberry.field(description="Mean bias (share, + optimistic).")
    scored: int = strawberry.field(description="Periods scored.")


@strawberry.type(name="Forecaster", description="A level's accuracy on record.")
class ForecasterType:
    name: str = strawberry.field(description="The unit's or rep's name.")
    periods: list[PeriodScoreType] = strawberry.field(description="Each period asked for.")
    calls: RecordType = strawberry.field(description="How well its calls did.")
    model: RecordType = strawberry.field(description="How well the model did beside them.")
    owner: strawberry.Private[Owner]

    @strawberry.field(description="The unit (null for a rep).")
    async def unit(self, info: Info) -> OrgUnitNode | None:
        return await _unit(info, self.owner.unit_id)

    @strawberry.field(description="The rep (null for a unit).")
    async def rep(self, info: Info) -> RepNode | None:
        return await _rep(info, self.owner.rep_id)


@strawberry.type(name="ForecastCategoryChange", description="A deal's category change.")
class CategoryChangeType:
    old_category: ForecastCategory = strawberry.field(description="Before.")
    new_category: ForecastCategory = strawberry.field(description="After.")
    at: datetime = strawberry.field(description="When.")
    actor_user_id: strawberry.Private[int | None]

    @strawberry.field(description="Who.")
    async def by(self, info: Info) -> UserNode | None:
        return await display_user(info, self.actor_user_id)
