"""GraphQL types of pipeline reports: behaviour KPIs, the funnel, follow-up effectiveness."""

from __future__ import annotations

from datetime import date

import strawberry

from api.core.scalars import BigInt
from api.graphql.org.types import RepNode
from api.graphql.pipeline.types import OpportunityNode
from domain.pipeline.models import FollowUpType
from domain.pipeline.stages import Stage


@strawberry.type(description="One working day of one rep against the minimums of their level.")
class KpiDay:
    day: date
    touches: int
    needs_confirmed: int
    proposals_sent: int
    demos_booked: int
    hit: bool
    missed: list[str] = strawberry.field(description="The KPIs below their minimum.")


@strawberry.type(description="A rep's behaviour KPIs over a range of working days.")
class RepKpiReport:
    rep: RepNode
    miss_streak: int = strawberry.field(description="Working days missed in a row, to the end.")
    days: list[KpiDay]


@strawberry.type(description="One stage of the funnel.")
class FunnelStage:
    stage: Stage
    reached: int = strawberry.field(description="Opportunities that entered the stage.")
    conversion_to_next: float | None = strawberry.field(
        description="Share that went on to the next stage (won, after negotiation)."
    )
    median_days_in_stage: float | None


@strawberry.type(description="Losses of one reason from one lead source.")
class LossCount:
    source: str
    reason_code: str
    count: int


@strawberry.type(description="A won deal not fully paid by its due date.")
class OverduePayment:
    opportunity: OpportunityNode
    outstanding: BigInt
    due: date


@strawberry.type(description="The funnel of opportunities created in a period.")
class FunnelReport:
    stages: list[FunnelStage]
    won: int
    lost: int
    win_rate: float | None
    lead_to_qualified_median_days: float | None
    follow_ups: int
    effective_follow_up_rate: float | None = strawberry.field(
        description="Follow-ups that delivered a value point ÷ all follow-ups."
    )
    stale_key_opportunities: list[OpportunityNode] = strawberry.field(
        description="High-value accounts' open deals without a customer response for N days."
    )
    losses_by_source: list[LossCount]
    overdue_payments: list[OverduePayment]


@strawberry.type(description="How often a follow-up type is followed by progress.")
class ActivityEffectiveness:
    type: FollowUpType
    window_days: int
    with_type: int = strawberry.field(description="Opportunities with this type of follow-up.")
    rate_with: float | None = strawberry.field(
        description="Share that advanced or were won within the window after it."
    )
    without_type: int
    rate_without: float | None = strawberry.field(
        description="The same for opportunities without it (after their first follow-up)."
    )
    lift: float | None = strawberry.field(description="rate with − rate without")
