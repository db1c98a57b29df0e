"""GraphQL inputs of planning: baselines, coefficients, calendar days, seasonal profiles, and each
mutation's payload and error codes."""

from __future__ import annotations

from datetime import date

import strawberry

from api.core.errors import mutation_types
from api.graphql.planning.types import BusinessCoefficient, CalendarDay, SeasonalProfile
from domain.kernel.errors import KernelError
from domain.targets.errors import TargetError
from domain.targets.planning.confirmations import Confirmer

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
ConfirmBusinessCoefficient = mutation_types(
    "ConfirmBusinessCoefficient",
    "coefficient",
    BusinessCoefficient,
    [
        TargetError.COEFFICIENT_NOT_FOUND,
        TargetError.NOT_A_CONFIRMER,
        TargetError.ALREADY_CONFIRMED,
    ],
)
SetCalendarDay = mutation_types("SetCalendarDay", "day", CalendarDay, PLANNING_INPUT_CODES)
DefineSeasonalProfile = mutation_types(
    "DefineSeasonalProfile",
    "profile",
    SeasonalProfile,
    [*PLANNING_INPUT_CODES, KernelError.INVALID_CODE, TargetError.INVALID_PROFILE],
)


@strawberry.input(description="Create or replace a named seasonal profile.")
class DefineSeasonalProfileInput:
    name: str = strawberry.field(description="A code, e.g. `retail` or `b2b_year_end`.")
    label: str = strawberry.field(description="Its display name.")
    weights: list[float] = strawberry.field(description="Twelve weights, January first.")


@strawberry.input(description="A dated business event that scales baselines.")
class AddBusinessCoefficientInput:
    name: str = strawberry.field(description="What the event is, e.g. 春节前.")
    start_date: date = strawberry.field(description="The first day it applies.")
    end_date: date = strawberry.field(description="Inclusive.")
    multiplier: float = strawberry.field(description="e.g. 0.8 or 1.3")
    segment: str | None = strawberry.field(
        default=None, description="Only deals of this segment; null for all."
    )


@strawberry.input(
    description="Confirm a business coefficient; it applies once the sales director and a "
    "regional head (two people) have both confirmed it."
)
class ConfirmBusinessCoefficientInput:
    id: int = strawberry.field(description="The coefficient's number (`businessCoefficients`).")
    capacity: Confirmer = strawberry.field(
        description="DIRECTOR (a company-wide director) or REGIONAL_HEAD (a director or "
        "manager whose scope is a region)."
    )


@strawberry.input(description="A company holiday or an extra working day.")
class SetCalendarDayInput:
    day: date = strawberry.field(description="The day.")
    working: bool = strawberry.field(description="false: a company holiday; true: a working day.")
    name: str = strawberry.field(description="What the day is, e.g. 公司年会.")
