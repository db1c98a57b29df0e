"""Planning inputs and the baseline suggestion in GraphQL."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.errors import perform, read
from api.core.permissions import READ_ORG, allow
from api.core.scalars import whole
from api.graphql.planning.inputs import (
    AddBusinessCoefficient,
    AddBusinessCoefficientInput,
    ConfirmBusinessCoefficient,
    ConfirmBusinessCoefficientInput,
    DefineSeasonalProfile,
    DefineSeasonalProfileInput,
    SetCalendarDay,
    SetCalendarDayInput,
)
from api.graphql.planning.types import (
    BaselineStep,
    BaselineSuggestion,
    BusinessCoefficient,
    SeasonalProfile,
)
from api.graphql.targets.schema import PLANNERS, decode_owner
from domain.kernel.actor import Role
from domain.targets.models import Metric, PeriodKind
from domain.targets.periods import Period
from domain.targets.planning import confirmations
from domain.targets.planning import service as planning


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
        owner_id: Annotated[
            relay.GlobalID, strawberry.argument(description="An OrgUnit or a Rep.")
        ],
        metric: Annotated[
            Metric, strawberry.argument(description="The metric to suggest a baseline for.")
        ],
        period_kind: Annotated[PeriodKind, strawberry.argument(description="The period kind.")],
        period_start: Annotated[
            date, strawberry.argument(description="The period's first day, aligned to its kind.")
        ],
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
                    value=whole(step.value, ROUND_HALF_UP),
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
        extensions=allow(Role.DIRECTOR, Role.MANAGER),
        description="Confirm a business coefficient as the sales director or as a regional "
        "head; it scales baselines once both have confirmed.",
    )
    async def confirm_business_coefficient(
        self, info: Info, input: ConfirmBusinessCoefficientInput
    ) -> ConfirmBusinessCoefficient.payload:
        return await perform(
            info,
            ConfirmBusinessCoefficient,
            lambda session, actor: confirmations.confirm_business_coefficient(
                session, actor, coefficient_id=input.id, capacity=input.capacity
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
