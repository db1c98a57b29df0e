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
    day: date = strawberry.field(description="The working day, in the company's time zone.")
    touches: int = strawberry.field(
        description="Calls, visits, e-mails, instant messages and demos held that happened "
        "that day."
    )
    needs_confirmed: int = strawberry.field(
        description="Opportunities advanced to QUALIFIED (needs confirmed) that day."
    )
    proposals_sent: int = strawberry.field(description="Proposal-sent follow-ups that day.")
    demos_booked: int = strawberry.field(description="Demo-booked follow-ups that day.")
    hit: bool = strawberry.field(description="Every KPI reached the minimum of the rep's level.")
    missed: list[str] = strawberry.field(description="The KPIs below their minimum.")


@strawberry.type(description="A rep's behaviour KPIs over a range of working days.")
class RepKpiReport:
    rep: RepNode = strawberry.field(description="The rep.")
    miss_streak: int = strawberry.field(description="Working days missed in a row, to the end.")
    days: list[KpiDay] = strawberry.field(
        description="Each working day of the range, oldest first."
    )


@strawberry.type(description="One stage of the funnel.")
class FunnelStage:
    stage: Stage = strawberry.field(description="The stage.")
    reached: int = strawberry.field(description="Opportunities that entered the stage.")
    conversion_to_next: float | None = strawberry.field(
        description="Share that went on to the next stage (won, after negotiation)."
    )
    median_days_in_stage: float | None = strawberry.field(
        description="Median days spent in the stage before moving on; null without moves."
    )


@strawberry.type(description="Losses of one reason from one lead source.")
class LossCount:
    source: str = strawberry.field(
        description="The opportunity's lead source; `unknown` when it has none."
    )
    reason_code: str = strawberry.field(description="A loss reason code (see `lossReasons`).")
    count: int = strawberry.field(
        description="Opportunities lost for this reason from this source."
    )


@strawberry.type(description="A won deal not fully paid by its due date.")
class OverduePayment:
    opportunity: OpportunityNode = strawberry.field(description="The won deal.")
    outstanding: BigInt = strawberry.field(description="Signed amount not yet paid, in fen.")
    due: date = strawberry.field(
        description="When full payment was due: the signing date plus the payment terms."
    )


@strawberry.type(description="The funnel of opportunities created in a period.")
class FunnelReport:
    stages: list[FunnelStage] = strawberry.field(
        description="The open stages in order, lead first."
    )
    won: int = strawberry.field(description="Opportunities of the period now won.")
    lost: int = strawberry.field(description="Opportunities of the period now lost.")
    win_rate: float | None = strawberry.field(
        description="won ÷ (won + lost); null when none is closed."
    )
    lead_to_qualified_median_days: float | None = strawberry.field(
        description="Median days from creation to QUALIFIED; null when none got there."
    )
    follow_ups: int = strawberry.field(
        description="Follow-ups on these opportunities that happened in the period."
    )
    effective_follow_up_rate: float | None = strawberry.field(
        description="Follow-ups that delivered a value point ÷ all follow-ups."
    )
    stale_key_opportunities: list[OpportunityNode] = strawberry.field(
        description="High-value accounts' open deals without a customer response for N days."
    )
    losses_by_source: list[LossCount] = strawberry.field(
        description="Lost opportunities counted by lead source and loss reason."
    )
    overdue_payments: list[OverduePayment] = strawberry.field(
        description="Won deals not fully paid by their due date."
    )


@strawberry.type(
    description="Deals signed (won) within the window, out of a sample, with a 95% Wilson "
    "interval for the rate."
)
class SigningRate:
    signed: int = strawberry.field(description="Deals signed within the window.")
    sample: int = strawberry.field(description="Deals measured (the sample size).")
    rate: float | None = strawberry.field(description="signed ÷ sample; null without a sample.")
    low: float | None = strawberry.field(description="Lower end of the 95% Wilson interval.")
    high: float | None = strawberry.field(description="Upper end of the 95% Wilson interval.")

    @classmethod
    def of(cls, signed: int, sample: int, interval: tuple[float, float] | None) -> SigningRate:
        return cls(
            signed=signed,
            sample=sample,
            rate=signed / sample if sample else None,
            low=interval[0] if interval else None,
            high=interval[1] if interval else None,
        )


@strawberry.type(description="How often a follow-up type is followed by progress.")
class ActivityEffectiveness:
    type: FollowUpType = strawberry.field(description="The follow-up type measured.")
    window_days: int = strawberry.field(
        description="Days after the follow-up in which progress counts."
    )
    with_type: int = strawberry.field(description="Opportunities with this type of follow-up.")
    rate_with: float | None = strawberry.field(
        description="Share that advanced or were won within the window after it."
    )
    without_type: int = strawberry.field(
        description="Opportunities without this type of follow-up."
    )
    rate_without: float | None = strawberry.field(
        description="The same for opportunities without it (after their first follow-up)."
    )
    lift: float | None = strawberry.field(description="rate with − rate without")
    signing_with: SigningRate = strawberry.field(
        description="Deals with this type signed within the window after it (whitepaper: "
        "signed in 7 days; demo: purchase order, i.e. won, in 15)."
    )
    signing_without: SigningRate = strawberry.field(
        description="The same for deals without it (from their first follow-up)."
    )
