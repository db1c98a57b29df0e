"""The health dashboard in GraphQL: `healthDashboard(unitId, from, to)`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.collaboration import GapReasonCount
from api.common import BigInt, graphql_enum
from api.errors import read
from api.org_types import OrgUnitNode, RepNode
from api.permissions import READ_ORG, allow
from api.relay import decode_id
from api.target_types import Progress, TargetNode
from domain.health import service as health
from domain.health.rules import (
    HealthIndicatorKind,
    HealthThresholds,
    IndicatorStatus,
    ThresholdDirection,
)
from domain.kernel.severity import Severity
from domain.targets.models import PeriodKind

graphql_enum(HealthIndicatorKind, "The health dashboard's indicators. 健康度指标。")
graphql_enum(IndicatorStatus, "An indicator against its threshold. 指标状态。")
graphql_enum(ThresholdDirection, "Which side of its threshold is healthy. 阈值方向。")


@strawberry.type(description="One indicator of the health dashboard against its threshold.")
class HealthIndicator:
    kind: HealthIndicatorKind
    value: float | None = strawberry.field(
        description="Rates are fractions (0.65 = 65%), cycles in days, inquiries per high-value "
        "account per month. Null without data."
    )
    threshold: float = strawberry.field(description="From PACER_HEALTH_THRESHOLDS.")
    direction: ThresholdDirection
    status: IndicatorStatus = strawberry.field(
        description="GREEN when the value meets the threshold (on it counts), RED when not."
    )
    sample_size: int = strawberry.field(
        description="What the value is computed over: follow-ups, qualified opportunities, "
        "new reps with a first deal, or high-value accounts."
    )

    @strawberry.field(description="The indicator's name in your language.")
    def label(self, info: Info) -> str:
        return self.kind.label(info.context.language)

    @strawberry.field(description="The status in your language.")
    def status_label(self, info: Info) -> str:
        return self.status.label(info.context.language)


@strawberry.type(description="A revenue target of the unit whose period contains `to`.")
class HealthTarget:
    target: TargetNode
    progress: Progress = strawberry.field(description="As of the end of `to`.")


@strawberry.type(description="Open or acknowledged alerts in the subtree, by severity.")
class OpenAlertCounts:
    yellow: int
    orange: int
    red: int

    @strawberry.field
    def total(self) -> int:
        return self.yellow + self.orange + self.red


@strawberry.type(description="A rep's place on the dashboard's leaderboard.")
class LeaderboardRow:
    rank: int = strawberry.field(description="By revenue in the period; ties share a rank.")
    rep_name: str
    revenue: BigInt = strawberry.field(description="Closed in [from, to], minor units.")
    completion: float | None = strawberry.field(
        description="achieved ÷ target of the rep's revenue target of the shortest period "
        "containing `to`, as of `to`; null without such a target."
    )
    target_amount: BigInt | None
    target_period_kind: PeriodKind | None
    rep_id: strawberry.Private[int]
    target_id: strawberry.Private[int | None]

    @strawberry.field(description="The rep, when they are in your scope (a rep sees only self).")
    async def rep(self, info: Info) -> RepNode | None:
        return await info.context.loaders.rep.load(self.rep_id)

    @strawberry.field(description="The rep's target, when it is in your scope.")
    async def target(self, info: Info) -> TargetNode | None:
        if self.target_id is None:
            return None
        return await info.context.loaders.target.load(self.target_id)


@strawberry.type(description="How healthy a unit's sales are over a period (DESIGN.md §3).")
class HealthDashboard:
    unit: OrgUnitNode
    from_: date = strawberry.field(name="from")
    to: date
    months: float = strawberry.field(description="The period's length: days ÷ 30.44.")
    indicators: list[HealthIndicator]
    targets: list[HealthTarget] = strawberry.field(
        description="The unit's approved or locked revenue targets whose period contains "
        "`to`, widest period first."
    )
    gap_reasons: list[GapReasonCount] = strawberry.field(
        description="The top three gap reasons on the subtree's targets starting on "
        "`gapReasonsPeriodStart`."
    )
    gap_reasons_period_start: date = strawberry.field(
        description="The first day of the month of `to`."
    )
    open_alerts: OpenAlertCounts
    leaderboard: list[LeaderboardRow]
    rep_count: int = strawberry.field(description="Reps in the subtree (all, ranked or not).")


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
        unit_id: relay.GlobalID,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
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
