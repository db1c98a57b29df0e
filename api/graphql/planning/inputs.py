"""GraphQL inputs of planning: baselines, coefficients, calendar days, seasonal profiles, and each
mutation's payload and error codes."""

from __future__ import annotations

from datetime import date

import strawberry

from api.core.errors import mutation_types
from api.graphql.planning.types import BusinessCoefficient, CalendarDay, SeasonalProfile
from domain.kernel.errors import KernelError
from domain.targets.errors import TargetError

PLANNING_INPUT_CODES = [TargetError.COMPANY_WIDE_ONLY, KernelError.REQUIRED, KernelError.TOO_LONG]
AddBusinessCoefficient = mutation_types(
    "AddBusinessCoefficient",
    "coefficient",
    BusinessCoefficient,
    [
        *PLANNING_INPUT_CODES,
        TargetError.INVALID_DATES,
        TargetError.INVALID_MULTIPLIER,
        KernelError.INVALID_CODE,
    ],
)
SetCalendarDay = mutation_types("SetCalendarDay", "day", CalendarDay, PLANNING_INPUT_CODES)
DefineSeasonalProfile = mutation_types(
    "DefineSeasonalProfile",
    "profile",
    SeasonalProfile,
    [*PLANNING_INPUT_CODES, KernelError.INVALID_CODE, TargetError.INVALID_PROFILE],
)


@strawberry.input
class DefineSeasonalProfileInput:
    name: str = strawberry.field(description="A code, e.g. `retail` or `b2b_year_end`.")
    label: str
    weights: list[float] = strawberry.field(description="Twelve weights, January first.")


@strawberry.input
class AddBusinessCoefficientInput:
    name: str
    start_date: date
    end_date: date = strawberry.field(description="Inclusive.")
    multiplier: float = strawberry.field(description="e.g. 0.8 or 1.3")
    segment: str | None = strawberry.field(
        default=None, description="Only deals of this segment; null for all."
    )


@strawberry.input
class SetCalendarDayInput:
    day: date
    working: bool = strawberry.field(description="false: a company holiday; true: a working day.")
    name: str
