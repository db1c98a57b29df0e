"""GraphQL types of planning: baselines, coefficients, calendar days, seasonal profiles."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.types import Info

from api.core.labels import graphql_enum
from api.core.scalars import BigInt
from api.graphql.org.types import UserNode, display_user
from domain.targets.planning.confirmations import Confirmer

graphql_enum(Confirmer, "In which capacity a business coefficient is confirmed. 确认身份。")


@strawberry.type(description="One step of a baseline suggestion, with its value so far.")
class BaselineStep:
    code: str = strawberry.field(
        description="HISTORY, OUTLIERS, MOVING_AVERAGE, SEASONALITY, COEFFICIENTS, RAMP or RESULT"
    )
    label: str = strawberry.field(description="The step's name, in your language.")
    value: BigInt = strawberry.field(
        description="The step's figure in the metric's unit (fen for money): the history "
        "total for HISTORY and OUTLIERS, the period's baseline from MOVING_AVERAGE on; rounded "
        "half up like the suggested amount."
    )
    detail: str = strawberry.field(description="What happened in this step, in your language.")


@strawberry.type(description="The number a target discussion starts from, and why.")
class BaselineSuggestion:
    amount: BigInt = strawberry.field(
        description="The suggested baseline in the metric's unit (fen for money), rounded half up."
    )
    steps: list[BaselineStep] = strawberry.field(
        description="Every step of the computation, in order; the last is RESULT."
    )


@strawberry.type(
    description="A dated event that scales baselines, e.g. ×0.8 before Spring Festival."
)
class BusinessCoefficient:
    id: int = strawberry.field(description="The coefficient's number.")
    name: str = strawberry.field(description="What the event is, e.g. 春节前.")
    start_date: date = strawberry.field(description="The first day it applies.")
    end_date: date = strawberry.field(description="The last day it applies (inclusive).")
    multiplier: float = strawberry.field(
        description="What baselines are multiplied by on those days, e.g. 0.8 or 1.3."
    )
    segment: str | None = strawberry.field(
        description="Only deals of this segment (e.g. `manufacturing`); null for all."
    )
    director_confirmed_at: datetime | None = strawberry.field(
        description="When the sales director confirmed it; null until then."
    )
    regional_confirmed_at: datetime | None = strawberry.field(
        description="When a regional head confirmed it; null until then."
    )

    @strawberry.field(description="Both confirmations given: only then does it scale baselines.")
    def confirmed(self) -> bool:
        return self.director_confirmed_at is not None and self.regional_confirmed_at is not None

    @strawberry.field(description="Who confirmed it as director; null if nobody yet.")
    async def director_confirmed_by(self, info: Info) -> UserNode | None:
        return await display_user(info, self.director_confirmed_by_id)  # type: ignore[attr-defined]

    @strawberry.field(description="Who confirmed it as regional head; null if nobody yet.")
    async def regional_confirmed_by(self, info: Info) -> UserNode | None:
        return await display_user(info, self.regional_confirmed_by_id)  # type: ignore[attr-defined]


@strawberry.type(description="A company holiday or an extra working day.")
class CalendarDay:
    day: date = strawberry.field(description="The day.")
    working: bool = strawberry.field(
        description="false: a company holiday; true: an extra working day."
    )
    name: str = strawberry.field(description="What the day is, e.g. 公司年会.")


@strawberry.type(description="Twelve month-of-year weights for splitting targets over time.")
class SeasonalProfile:
    name: str = strawberry.field(description="Its code, e.g. `retail`.")
    label: str = strawberry.field(description="Its display name.")
    weights: list[float] = strawberry.field(description="January to December.")
