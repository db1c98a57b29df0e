"""GraphQL inputs of forecasting, and each mutation's payload and error codes."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay

from api.core.errors import ApiError, mutation_types
from api.core.scalars import BigInt
from api.graphql.forecasts.types import CallType
from api.graphql.pipeline.types import OpportunityNode
from api.graphql.targets.types import Metric, PeriodKind
from domain.forecasts.errors import ForecastError
from domain.forecasts.models import ForecastCategory
from domain.kernel.errors import KernelError
from domain.org.errors import OrgError
from domain.pipeline.errors import PipelineError

# What every call refuses, whoever makes it: the week, the period, the metric, the note.
_CALL_CODES = [
    ApiError.INVALID_ID,
    ForecastError.INVALID_WEEK,
    ForecastError.WEEK_FROZEN,
    ForecastError.WEEK_NOT_STARTED,
    ForecastError.INVALID_PERIOD,
    ForecastError.PERIOD_CLOSED,
    ForecastError.UNSUPPORTED_METRIC,
    OrgError.UNIT_NOT_FOUND,
    KernelError.TOO_LONG,
    KernelError.STALE_VERSION,
]

SetForecastCategory = mutation_types(
    "SetForecastCategory",
    "opportunity",
    OpportunityNode,
    [
        ApiError.INVALID_ID,
        PipelineError.OPPORTUNITY_NOT_FOUND,
        ForecastError.NOT_YOUR_CALL,
        PipelineError.CLOSED,
        ForecastError.INVALID_CATEGORY,
    ],
)
SubmitForecast = mutation_types(
    "SubmitForecast",
    "call",
    CallType,
    [
        *_CALL_CODES,
        OrgError.REP_NOT_FOUND,
        ForecastError.OWNER_REQUIRED,
        ForecastError.AMOUNT_REQUIRED,
        ForecastError.NEGATIVE_AMOUNT,
        ForecastError.BEST_CASE_BELOW_COMMIT,
        ForecastError.AMOUNTS_FROM_BELOW,
    ],
)
AdjustForecast = mutation_types(
    "AdjustForecast",
    "call",
    CallType,
    [
        *_CALL_CODES,
        ForecastError.REASON_REQUIRED,
        ForecastError.AMOUNT_REQUIRED,
        ForecastError.NEGATIVE_AMOUNT,
        ForecastError.BEST_CASE_BELOW_COMMIT,
    ],
)


@strawberry.input(description="Put an open deal in a forecast category (its owner or manager).")
class SetForecastCategoryInput:
    opportunity_id: relay.GlobalID = strawberry.field(description="The opportunity.")
    category: ForecastCategory = strawberry.field(
        description="PIPELINE, BEST_CASE, COMMIT or OMITTED (WON comes with the win)."
    )


@strawberry.input(description="Which call: the period, the metric and the week.")
class CallPeriodFields:
    period_kind: PeriodKind = strawberry.field(description="MONTH or QUARTER.")
    period_start: date = strawberry.field(description="The first day of the month or quarter.")
    metric: Metric = strawberry.field(default=Metric.REVENUE, description="REVENUE (default).")
    week_start: date | None = strawberry.field(
        default=None,
        description="The Monday of the current ISO week (company time); null: this week. "
        "A past week is frozen.",
    )
    note: str | None = strawberry.field(default=None, description="A note with the call.")


@strawberry.input(
    description="A rep's call (both amounts), or a unit's call: the sum of the calls below "
    "(leave the amounts out; adjust it to change it). Each submit is a new version."
)
class SubmitForecastInput(CallPeriodFields):
    unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A unit you manage (its call is the sum below)."
    )
    rep_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A rep: yourself (default) or one of your subtree."
    )
    commit: BigInt | None = strawberry.field(default=None, description="Commit, in fen.")
    best_case: BigInt | None = strawberry.field(
        default=None, description="Best case, in fen (at least the commit)."
    )


@strawberry.input(description="Adjust a unit's call away from the sum below, with a reason.")
class AdjustForecastInput(CallPeriodFields):
    unit_id: relay.GlobalID = strawberry.field(description="A unit you manage.")
    commit: BigInt | None = strawberry.field(description="Commit, in fen.")
    best_case: BigInt | None = strawberry.field(
        description="Best case, in fen (at least the commit)."
    )
    reason: str | None = strawberry.field(description="Why the sum below is not the call.")


@strawberry.input(description="A closed month or quarter to score.")
class ForecastPeriodInput:
    kind: PeriodKind = strawberry.field(description="MONTH or QUARTER.")
    start: date = strawberry.field(description="Its first day.")
