"""Planning inputs and the baseline suggestion in GraphQL."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.common import BigInt
from api.errors import mutation_types, perform, read
from api.permissions import READ_ORG, allow
from api.targets import PLANNERS, decode_owner
from domain.kernel.actor import Role
from domain.targets import planning
from domain.targets.models import Metric, PeriodKind
from domain.targets.periods import Period


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


PLANNING_INPUT_CODES = ["COMPANY_WIDE_ONLY", "REQUIRED", "TOO_LONG"]
AddBusinessCoefficient = mutation_types(
    "AddBusinessCoefficient",
    "coefficient",
    BusinessCoefficient,
    [*PLANNING_INPUT_CODES, "INVALID_DATES", "INVALID_MULTIPLIER", "INVALID_CODE"],
)
SetCalendarDay = mutation_types("SetCalendarDay", "day", CalendarDay, PLANNING_INPUT_CODES)
DefineSeasonalProfile = mutation_types(
    "DefineSeasonalProfile",
    "profile",
    SeasonalProfile,
    [*PLANNING_INPUT_CODES, "INVALID_CODE", "INVALID_PROFILE"],
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


@strawberry.type
class PlanningQuery:
    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="A data-driven baseline for an owner (OrgUnit or Rep), a metric and a "
        "period, with every step of its computation.",
    )
    async def baseline_suggestion(
        self,
        info: Info,
        owner_id: relay.GlobalID,
        metric: Metric,
        period_kind: PeriodKind,
        period_start: date,
        history_months: Annotated[
            int, strawberry.argument(description="Weekly history reaches back this far (1–60).")
        ] = 18,
        moving_average_weeks: Annotated[
            int, strawberry.argument(description="Weeks in the moving average (1–52).")
        ] = 13,
    ) -> BaselineSuggestion:
        async def use_case(session, actor):
            return await planning.baseline_suggestion(
                session,
                actor,
                owner=decode_owner(owner_id),
                metric=metric,
                period=Period.of(period_kind, period_start),
                settings=planning.baseline_settings(history_months, moving_average_weeks),
            )

        baseline = await read(info, use_case)
        english = info.context.language == "en"
        return BaselineSuggestion(
            amount=baseline.amount,
            steps=[
                BaselineStep(
                    code=step.code,
                    label=step.label_en if english else step.label_zh,
                    value=step.value,
                    detail=step.detail_en if english else step.detail_zh,
                )
                for step in baseline.steps
            ],
        )

    @strawberry.field(extensions=allow(*READ_ORG), description="The named seasonal profiles.")
    async def seasonal_profiles(self, info: Info) -> list[SeasonalProfile]:
        return await read(info, planning.list_seasonal_profiles)

    @strawberry.field(extensions=allow(*READ_ORG), description="All business coefficients.")
    async def business_coefficients(self, info: Info) -> list[BusinessCoefficient]:
        return await read(info, planning.list_business_coefficients)


@strawberry.type
class PlanningMutation:
    @strawberry.mutation(
        extensions=allow(Role.ADMIN, Role.DIRECTOR),
        description="Add a dated business coefficient (company-wide admins and directors).",
    )
    async def add_business_coefficient(
        self, info: Info, input: AddBusinessCoefficientInput
    ) -> AddBusinessCoefficient.payload:
        return await perform(
            info,
            AddBusinessCoefficient,
            lambda session, actor: planning.add_business_coefficient(
                session,
                actor,
                name=input.name,
                start=input.start_date,
                end=input.end_date,
                multiplier=input.multiplier,
                segment=input.segment,
            ),
        )

    @strawberry.mutation(
        extensions=allow(*PLANNERS),
        description="Mark a company holiday or an extra working day (company-wide only).",
    )
    async def set_calendar_day(
        self, info: Info, input: SetCalendarDayInput
    ) -> SetCalendarDay.payload:
        return await perform(
            info,
            SetCalendarDay,
            lambda session, actor: planning.set_calendar_day(
                session, actor, day=input.day, working=input.working, name=input.name
            ),
        )

    @strawberry.mutation(
        extensions=allow(*PLANNERS),
        description="Create or replace a named seasonal profile (company-wide only).",
    )
    async def define_seasonal_profile(
        self, info: Info, input: DefineSeasonalProfileInput
    ) -> DefineSeasonalProfile.payload:
        return await perform(
            info,
            DefineSeasonalProfile,
            lambda session, actor: planning.define_seasonal_profile(
                session, actor, name=input.name, label=input.label, weights=input.weights
            ),
        )
