"""Pipeline reports in GraphQL: behaviour KPIs per rep and day."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.errors import read
from api.org_types import RepNode
from api.permissions import READ_ORG, allow
from api.relay import decode_id
from domain.pipeline import kpis
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


@strawberry.type
class PipelineReportQuery:
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
