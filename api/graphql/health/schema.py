"""The health dashboard in GraphQL: `healthDashboard(unitId, from, to)`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.errors import read
from api.core.permissions import READ_ORG, allow
from api.core.relay import decode_id
from api.graphql.collaboration.types import GapReasonCount
from api.graphql.health.types import (
    HealthDashboard,
    HealthIndicator,
    HealthTarget,
    LeaderboardRow,
    OpenAlertCounts,
)
from api.graphql.targets.types import Progress
from domain.health import service as health
from domain.health.rules import (
    HealthThresholds,
)
from domain.kernel.severity import Severity
from domain.targets.models import PeriodKind


@strawberry.type
class HealthQuery:
    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="The health dashboard of a unit's subtree for [from, to] (company days): "
        "the four indicators against their thresholds, the unit's revenue targets with their "
        "pace, the top gap reasons, open alerts by severity and a leaderboard of its reps. "
        "Directors and managers read units of their subtree; a rep reads their own unit.",
    )
    async def health_dashboard(
        self,
        info: Info,
        unit_id: Annotated[
            relay.GlobalID,
            strawberry.argument(description="The OrgUnit whose subtree is measured."),
        ],
        from_: Annotated[
            date, strawberry.argument(name="from", description="The first day (inclusive).")
        ],
        to: Annotated[date, strawberry.argument(description="The last day (inclusive).")],
        leaderboard_size: Annotated[
            int,
            strawberry.argument(
                description=f"Reps on the leaderboard (capped at {health.MAX_LEADERBOARD_SIZE})."
            ),
        ] = health.LEADERBOARD_SIZE,
    ) -> HealthDashboard:
        settings = info.context.settings

        async def use_case(session, actor):
            return await health.health_dashboard(
                session,
                actor,
                unit_id=decode_id(unit_id, "OrgUnit", "unit_id"),
                start=from_,
                end=to,
                timezone=settings.timezone,
                country=settings.holiday_country,
                thresholds=HealthThresholds.from_mapping(settings.health_thresholds),
                leaderboard_size=leaderboard_size,
                probabilities=settings.stage_probabilities,
            )

        board = await read(info, use_case)
        return HealthDashboard(
            unit=board.unit,
            from_=board.start,
            to=board.end,
            months=board.months,
            indicators=[
                HealthIndicator(
                    kind=i.kind,
                    value=i.value,
                    threshold=i.threshold,
                    direction=i.direction,
                    status=i.status,
                    sample_size=i.sample_size,
                )
                for i in board.indicators
            ],
            targets=[
                HealthTarget(target=row.target, progress=Progress.of(row.pace))
                for row in board.targets
            ],
            gap_reasons=[GapReasonCount(reason=r.reason, count=r.count) for r in board.gap_reasons],
            gap_reasons_period_start=board.gap_period_start,
            open_alerts=OpenAlertCounts(
                yellow=board.open_alerts[Severity.YELLOW],
                orange=board.open_alerts[Severity.ORANGE],
                red=board.open_alerts[Severity.RED],
            ),
            leaderboard=[
                LeaderboardRow(
                    rank=row.rank,
                    rep_name=row.rep.name,
                    revenue=row.revenue,
                    completion=row.completion,
                    target_amount=row.target.amount if row.target else None,
                    target_period_kind=PeriodKind(row.target.period_kind) if row.target else None,
                    rep_id=row.rep.id,
                    target_id=row.target.id if row.target else None,
                )
                for row in board.leaderboard
            ],
            rep_count=board.rep_count,
        )
