"""Pipeline reports in GraphQL: behaviour KPIs per rep and day, and the funnel."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.common import BigInt
from api.errors import read
from api.org_types import RepNode
from api.permissions import READ_ORG, allow
from api.pipeline_types import OpportunityNode
from api.relay import decode_id
from domain.pipeline import attribution, funnel, kpis
from domain.pipeline.models import FollowUpType
from domain.pipeline.stages import Stage
from domain.targets.progress import working_calendar


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


@strawberry.type
class PipelineReportQuery:
    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="For each follow-up type, the share of opportunities that moved forward "
        "within its window (whitepaper 7 days, demo 15, others 7) against those without it.",
    )
    async def activity_effectiveness(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        unit_id: relay.GlobalID | None = None,
    ) -> list[ActivityEffectiveness]:
        async def use_case(session, actor):
            return await attribution.activity_effectiveness(
                session,
                actor,
                start=from_,
                end=to,
                timezone=info.context.settings.timezone,
                unit_id=decode_id(unit_id, "OrgUnit", "unit_id"),
                windows=info.context.settings.attribution_windows,
            )

        return [
            ActivityEffectiveness(
                type=row.type,
                window_days=row.window_days,
                with_type=row.with_type,
                rate_with=row.rate_with,
                without_type=row.without_type,
                rate_without=row.rate_without,
                lift=row.lift,
            )
            for row in await read(info, use_case)
        ]

    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="The funnel of the opportunities created in [from, to] in your scope.",
    )
    async def funnel(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        unit_id: relay.GlobalID | None = None,
    ) -> FunnelReport:
        settings = info.context.settings

        async def use_case(session, actor):
            return await funnel.funnel(
                session,
                actor,
                start=from_,
                end=to,
                today=info.context.today(),
                timezone=settings.timezone,
                unit_id=decode_id(unit_id, "OrgUnit", "unit_id"),
                stale_after_days=settings.stale_key_days,
                payment_terms_days=settings.payment_terms_days,
            )

        report = await read(info, use_case)
        return FunnelReport(
            stages=[
                FunnelStage(
                    stage=r.stage,
                    reached=r.reached,
                    conversion_to_next=r.conversion_to_next,
                    median_days_in_stage=r.median_days_in_stage,
                )
                for r in report.stages
            ],
            won=report.won,
            lost=report.lost,
            win_rate=report.win_rate,
            lead_to_qualified_median_days=report.lead_to_qualified_median_days,
            follow_ups=report.follow_ups,
            effective_follow_up_rate=report.effective_follow_up_rate,
            stale_key_opportunities=report.stale_key_opportunities,
            losses_by_source=[
                LossCount(source=source, reason_code=reason, count=count)
                for (source, reason), count in sorted(report.losses_by_source.items())
            ],
            overdue_payments=[
                OverduePayment(opportunity=o, outstanding=amount, due=due)
                for o, amount, due in report.overdue_payments
            ],
        )

    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="Daily behaviour KPIs (touches, needs confirmed, proposals sent, demos "
        "booked) per rep in scope and working day, with the current streak of misses.",
    )
    async def kpi_report(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        unit_id: relay.GlobalID | None = None,
    ) -> list[RepKpiReport]:
        settings = info.context.settings

        async def use_case(session, actor):
            calendar = await working_calendar(session, settings.holiday_country)
            return await kpis.kpi_report(
                session,
                actor,
                start=from_,
                end=to,
                is_working=calendar.is_working,
                timezone=settings.timezone,
                minimums=settings.kpi_minimums or kpis.DEFAULT_MINIMUMS,
                unit_id=decode_id(unit_id, "OrgUnit", "unit_id"),
            )

        reports = await read(info, use_case)
        return [
            RepKpiReport(
                rep=report.rep,
                miss_streak=report.miss_streak,
                days=[
                    KpiDay(
                        day=day.day,
                        touches=day.counts.get("touches", 0),
                        needs_confirmed=day.counts.get("needs_confirmed", 0),
                        proposals_sent=day.counts.get("proposals_sent", 0),
                        demos_booked=day.counts.get("demos_booked", 0),
                        hit=day.hit,
                        missed=day.missed,
                    )
                    for day in report.days
                ],
            )
            for report in reports
        ]
