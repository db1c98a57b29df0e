"""Forecasting in GraphQL: forecast categories on open deals, the weekly calls of reps and
units (submitted, adjusted with a reason, frozen at the week's end), a unit's roll-up side by
side with the weighted pipeline, the model and the target, and the accuracy on record.

Who: categories — the deal's owner or a manager of the owner; a rep's call — the rep or a
manager of the rep; a unit's call and its adjustment — managers, directors and admins of the
unit; the roll-up and the accuracy — managers of the unit, and a rep of the unit (who sees
the unit's line and their own)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.errors import perform, read
from api.core.permissions import READ_ORG, allow
from api.core.relay import decode_id
from api.graphql.forecasts.inputs import (
    AdjustForecast,
    AdjustForecastInput,
    ForecastPeriodInput,
    SetForecastCategory,
    SetForecastCategoryInput,
    SubmitForecast,
    SubmitForecastInput,
)
from api.graphql.forecasts.types import (
    CategoryChangeType,
    ForecasterType,
    RollupType,
)
from api.graphql.targets.types import Metric, PeriodKind
from domain.forecasts import accuracy, rollup
from domain.forecasts import service as forecasts
from domain.forecasts.tree import MANAGERS


def _unit(global_id: relay.GlobalID | None) -> int | None:
    return decode_id(global_id, "OrgUnit", "unit_id")


@strawberry.type
class ForecastMutation:
    @strawberry.mutation(
        extensions=allow(*READ_ORG),
        description="Put an open deal in a forecast category (its owner or their manager); "
        "each change is kept with who and when.",
    )
    async def set_forecast_category(
        self, info: Info, input: SetForecastCategoryInput
    ) -> SetForecastCategory.payload:
        return await perform(
            info,
            SetForecastCategory,
            lambda session, actor: forecasts.set_forecast_category(
                session,
                actor,
                opportunity_id=decode_id(input.opportunity_id, "Opportunity", "opportunity_id")
                or 0,
                category=input.category,
                now=info.context.now(),
            ),
        )

    @strawberry.mutation(
        extensions=allow(*READ_ORG),
        description="Submit this week's call for a month or quarter: a rep's commit and best "
        "case, or a unit's sum of the calls below. A new version each time.",
    )
    async def submit_forecast(
        self, info: Info, input: SubmitForecastInput
    ) -> SubmitForecast.payload:
        return await perform(
            info,
            SubmitForecast,
            lambda session, actor: forecasts.submit_forecast(
                session,
                actor,
                info.context.settings,
                unit_id=_unit(input.unit_id),
                rep_id=decode_id(input.rep_id, "Rep", "rep_id"),
                metric=input.metric.value,
                period_kind=input.period_kind,
                period_start=input.period_start,
                week_start=input.week_start,
                commit=input.commit,
                best_case=input.best_case,
                note=input.note,
                today=info.context.today(),
                now=info.context.now(),
            ),
        )

    @strawberry.mutation(
        extensions=allow(*MANAGERS),
        description="Adjust a unit's call away from the sum of the calls below, with a "
        "reason (managers of the unit). A new version that keeps the sum it departs from.",
    )
    async def adjust_forecast(
        self, info: Info, input: AdjustForecastInput
    ) -> AdjustForecast.payload:
        return await perform(
            info,
            AdjustForecast,
            lambda session, actor: forecasts.adjust_forecast(
                session,
                actor,
                info.context.settings,
                unit_id=_unit(input.unit_id) or 0,
                metric=input.metric.value,
                period_kind=input.period_kind,
                period_start=input.period_start,
                week_start=input.week_start,
                commit=input.commit,
                best_case=input.best_case,
                reason=input.reason,
                note=input.note,
                today=info.context.today(),
                now=info.context.now(),
            ),
        )


@strawberry.type
class ForecastQuery:
    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="A unit's forecast for a period, level by level (the unit, its child "
        "units, its reps): each call, the sum of the calls below, the weighted pipeline, the "
        "model's prediction, the target and what is sold so far, side by side.",
    )
    async def forecast_rollup(
        self,
        info: Info,
        unit_id: Annotated[relay.GlobalID, strawberry.argument(description="The OrgUnit.")],
        period_kind: Annotated[PeriodKind, strawberry.argument(description="MONTH or QUARTER.")],
        period_start: Annotated[date, strawberry.argument(description="The period's first day.")],
        metric: Annotated[Metric, strawberry.argument(description="REVENUE.")] = Metric.REVENUE,
        week_start: Annotated[
            date | None,
            strawberry.argument(description="The week whose calls to show; null: this week."),
        ] = None,
    ) -> RollupType:
        async def use_case(session, actor):
            return await rollup.forecast_rollup(
                session,
                actor,
                info.context.settings,
                unit_id=_unit(unit_id) or 0,
                period_kind=period_kind,
                period_start=period_start,
                metric=metric.value,
                week_start=week_start,
                today=info.context.today(),
            )

        return await read(info, use_case)

    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="Who forecasts well: for closed periods, each level's call of record (the "
        "last frozen before the period began) and the model's prediction made with it, "
        "scored against the actuals (error, bias); the most accurate first.",
    )
    async def forecast_accuracy(
        self,
        info: Info,
        unit_id: Annotated[relay.GlobalID, strawberry.argument(description="The OrgUnit.")],
        periods: Annotated[
            list[ForecastPeriodInput], strawberry.argument(description="Closed periods (≤ 12).")
        ],
        metric: Annotated[Metric, strawberry.argument(description="REVENUE.")] = Metric.REVENUE,
    ) -> list[ForecasterType]:
        async def use_case(session, actor):
            return await accuracy.forecast_accuracy(
                session,
                actor,
                unit_id=_unit(unit_id) or 0,
                periods=[(p.kind, p.start) for p in periods],
                metric=metric.value,
                today=info.context.today(),
            )

        return await read(info, use_case)

    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="The forecast-category changes of an opportunity you see, oldest first.",
    )
    async def forecast_category_history(
        self,
        info: Info,
        opportunity_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The Opportunity.")
        ],
    ) -> list[CategoryChangeType]:
        async def use_case(session, actor):
            return await forecasts.category_history(
                session,
                actor,
                decode_id(opportunity_id, "Opportunity", "opportunity_id") or 0,
            )

        return await read(info, use_case)
