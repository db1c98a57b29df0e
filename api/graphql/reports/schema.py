"""Pipeline reports in GraphQL: behaviour KPIs per rep and day, and the funnel."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.errors import read
from api.core.permissions import READ_ORG, allow
from api.core.relay import decode_id
from api.graphql.reports.types import (
    ActivityEffectiveness,
    FunnelReport,
    FunnelStage,
    KpiDay,
    LossCount,
    OverduePayment,
    RepKpiReport,
    SigningRate,
)
from domain.pipeline import attribution, funnel, kpis
from domain.targets.progress import working_calendar

From = Annotated[date, strawberry.argument(name="from", description="The first day (inclusive).")]
To = Annotated[date, strawberry.argument(description="The last day (inclusive).")]
Subtree = Annotated[
    relay.GlobalID | None,
    strawberry.argument(description="Only this OrgUnit's subtree; null: your whole scope."),
]


@strawberry.type
class PipelineReportQuery:
    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="For each follow-up type, the share of opportunities that moved forward "
        "within its window (whitepaper 7 days, demo 15, others 7) and the share signed within "
        "it (with sample sizes and 95% Wilson intervals), against those without it.",
    )
    async def activity_effectiveness(
        self,
        info: Info,
        from_: From,
        to: To,
        unit_id: Subtree = None,
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
                signing_with=SigningRate.of(
                    row.signed_with, row.with_type, row.signing_interval_with
                ),
                signing_without=SigningRate.of(
                    row.signed_without, row.without_type, row.signing_interval_without
                ),
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
        from_: From,
        to: To,
        unit_id: Subtree = None,
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
        from_: From,
        to: To,
        unit_id: Subtree = None,
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
