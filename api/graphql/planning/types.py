"""GraphQL types of planning: baselines, coefficients, calendar days, seasonal profiles."""

from __future__ import annotations

from datetime import date

import strawberry

from api.core.scalars import BigInt


@strawberry.type(description="One step of a baseline suggestion, with its value so far.")
class BaselineStep:
    code: str = strawberry.field(
        description="HISTORY, OUTLIERS, MOVING_AVERAGE, SEASONALITY, COEFFICIENTS, RAMP or RESULT"
    )
    label: str
    value: float
    detail: str = strawberry.field(description="What happened in this step, in your language.")


@strawberry.type(description="The number a target discussion starts from, and why.")
class BaselineSuggestion:
    amount: BigInt
    steps: list[BaselineStep]


@strawberry.type(
    description="A dated event that scales baselines, e.g. ×0.8 before Spring Festival."
)
class BusinessCoefficient:
    id: int
    name: str
    start_date: date
    end_date: date
    multiplier: float
    segment: str | None


@strawberry.type(description="A company holiday or an extra working day.")
class CalendarDay:
    day: date
    working: bool
    name: str


@strawberry.type(description="Twelve month-of-year weights for splitting targets over time.")
class SeasonalProfile:
    name: str
    label: str
    weights: list[float] = strawberry.field(description="January to December.")
