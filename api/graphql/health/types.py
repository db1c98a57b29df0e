"""GraphQL types of the health dashboard."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from api.core.labels import graphql_enum
from api.core.scalars import BigInt
from api.graphql.collaboration.types import GapReasonCount
from api.graphql.org.types import OrgUnitNode, RepNode
from api.graphql.targets.types import Progress, TargetNode
from domain.health.rules import (
    HealthIndicatorKind,
    IndicatorStatus,
    ThresholdDirection,
)
from domain.targets.models import PeriodKind

graphql_enum(HealthIndicatorKind, "The health dashboard's indicators. 健康度指标。")
graphql_enum(IndicatorStatus, "An indicator against its threshold. 指标状态。")
graphql_enum(ThresholdDirection, "Which side of its threshold is healthy. 阈值方向。")


@strawberry.type(description="One indicator of the health dashboard against its threshold.")
class HealthIndicator:
    kind: HealthIndicatorKind = strawberry.field(description="Which indicator.")
    value: float | None = strawberry.field(
        description="Rates are fractions (0.65 = 65%), cycles in days, inquiries per high-value "
        "account per month. Null without data."
    )
    threshold: float = strawberry.field(description="From PACER_HEALTH_THRESHOLDS.")
    direction: ThresholdDirection = strawberry.field(
        description="Whether the value should be at least or at most the threshold."
    )
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
    target: TargetNode = strawberry.field(description="The revenue target.")
    progress: Progress = strawberry.field(description="As of the end of `to`.")


@strawberry.type(description="Open or acknowledged alerts in the subtree, by severity.")
class OpenAlertCounts:
    yellow: int = strawberry.field(description="Unresolved yellow alerts.")
    orange: int = strawberry.field(description="Unresolved orange alerts.")
    red: int = strawberry.field(description="Unresolved red alerts.")

    @strawberry.field(description="yellow + orange + red.")
    def total(self) -> int:
        return self.yellow + self.orange + self.red


@strawberry.type(description="A rep's place on the dashboard's leaderboard.")
class LeaderboardRow:
    rank: int = strawberry.field(description="By revenue in the period; ties share a rank.")
    rep_name: str = strawberry.field(
        description="The rep's name (shown even when the rep is outside your scope)."
    )
    revenue: BigInt = strawberry.field(description="Closed in [from, to], minor units.")
    completion: float | None = strawberry.field(
        description="achieved ÷ target of the rep's revenue target of the shortest period "
        "containing `to`, as of `to`; null without such a target."
    )
    target_amount: BigInt | None = strawberry.field(
        description="That target's amount in fen; null without such a target."
    )
    target_period_kind: PeriodKind | None = strawberry.field(
        description="That target's period kind; null without such a target."
    )
    rep_id: strawberry.Private[int]
    target_id: strawberry.Private[int | None]

    @strawberry.field(description="The rep, when they are in your scope (a rep sees only self).")
    def rep(self, info: Info) -> RepNode | None:
        return info.context.loaders.related("rep", self.rep_id)

    @strawberry.field(description="The rep's target, when it is in your scope.")
    async def target(self, info: Info) -> TargetNode | None:
        if self.target_id is None:
            return None
        return await info.context.loaders.target.load(self.target_id)


@strawberry.type(description="How healthy a unit's sales are over a period (DESIGN.md §3).")
class HealthDashboard:
    unit: OrgUnitNode = strawberry.field(description="The unit whose subtree is measured.")
    from_: date = strawberry.field(name="from", description="The first day of the period.")
    to: date = strawberry.field(description="The last day of the period (inclusive).")
    months: float = strawberry.field(description="The period's length: days ÷ 30.44.")
    indicators: list[HealthIndicator] = strawberry.field(
        description="The dashboard's indicators, each against its threshold."
    )
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
    open_alerts: OpenAlertCounts = strawberry.field(
        description="Unresolved alerts of the subtree, by severity."
    )
    leaderboard: list[LeaderboardRow] = strawberry.field(
        description="The subtree's reps ranked by revenue, top first (at most `leaderboardSize`)."
    )
    rep_count: int = strawberry.field(description="Reps in the subtree (all, ranked or not).")
