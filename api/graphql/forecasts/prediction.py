"""`forecastPrediction(unitId | repId, periodKind, periodStart)`: what a rep, a unit or the
company is expected to close in a period, with a simulated 10th–90th percentile interval."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.errors import read
from api.core.permissions import READ_ORG, allow
from api.core.relay import decode_id
from api.core.scalars import BigInt
from api.graphql.forecasts.win_probability import WinProbabilitySource
from api.graphql.org.types import OrgUnitNode, RepNode
from domain.forecasts.prediction import prediction_for
from domain.targets.models import PeriodKind
from domain.targets.periods import Period


@strawberry.type(description="What is expected to close in a period. 期间成交预测。")
class ForecastPrediction:
    unit: OrgUnitNode | None = strawberry.field(
        description="The unit whose subtree is predicted; null for a rep or the whole company."
    )
    rep: RepNode | None = strawberry.field(description="The rep predicted, if one.")
    period_kind: PeriodKind = strawberry.field(description="MONTH, QUARTER, YEAR or WEEK.")
    period_start: date = strawberry.field(description="The period's first day.")
    period_end: date = strawberry.field(description="The period's last day.")
    expected: BigInt = strawberry.field(
        description="Won so far in the period + Σ win probability × amount of the open deals "
        "expected to close in it, in fen."
    )
    low: BigInt = strawberry.field(
        description="10th percentile of simulated outcomes (each open deal won or not by its "
        "probability), in fen."
    )
    high: BigInt = strawberry.field(description="90th percentile of simulated outcomes, in fen.")
    source: WinProbabilitySource = strawberry.field(
        description="MODEL when the learned model gave the probabilities, else STAGE_TABLE."
    )
    deals: int = strawberry.field(description="Open deals expected to close in the period.")


@strawberry.type
class PredictionQuery:
    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="The expected amount to close in a period and its interval, for a unit's "
        "subtree or a rep; with neither, for everything you see. 成交预测。",
    )
    async def forecast_prediction(
        self,
        info: Info,
        period_kind: Annotated[PeriodKind, strawberry.argument(description="The period's kind.")],
        period_start: Annotated[
            date, strawberry.argument(description="Its first day, aligned to its kind.")
        ],
        unit_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="An OrgUnit: its subtree.")
        ] = None,
        rep_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="A Rep: their deals.")
        ] = None,
    ) -> ForecastPrediction:
        settings = info.context.settings

        async def use_case(session, actor):
            period = Period.of(period_kind, period_start)
            return period, await prediction_for(
                session,
                actor,
                settings,
                start=period.start,
                end=period.end,
                unit_id=decode_id(unit_id, "OrgUnit", "unit_id"),
                rep_id=decode_id(rep_id, "Rep", "rep_id"),
            )

        period, found = await read(info, use_case)
        p = found.prediction
        return ForecastPrediction(
            unit=found.unit,
            rep=found.rep,
            period_kind=period.kind,
            period_start=period.start,
            period_end=period.end - timedelta(days=1),
            expected=p.expected,
            low=p.low,
            high=p.high,
            source=WinProbabilitySource(p.source),
            deals=p.deals,
        )
