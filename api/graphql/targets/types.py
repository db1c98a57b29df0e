"""GraphQL types of the targets context."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.labels import ManagedLabel, graphql_enum
from api.core.relay import OrmNode
from api.core.scalars import BigInt
from api.graphql.org.types import OrgUnitNode, RepNode, UserNode, display_user
from domain.targets import models
from domain.targets.models import METRIC_UNITS, Metric, MetricUnit, PeriodKind, TargetStatus
from domain.targets.periods import Period
from domain.targets.progress import PaceBasis

graphql_enum(Metric, "What a target measures. 目标指标。")
graphql_enum(MetricUnit, "How a metric's amounts are counted. 计量单位。")
graphql_enum(PeriodKind, "Calendar-aligned planning periods. 目标周期。")
graphql_enum(TargetStatus, "draft → proposed → approved → locked. 目标状态。")
graphql_enum(PaceBasis, "How the expected progress to date is measured. 进度基准。")


@strawberry.type(description="Why a target is what it is: its share and the inputs.")
class Explanation:
    sentence: str = strawberry.field(description="What the owner reads, in your language.")
    method: str = strawberry.field(description="`composite` or `even`.")
    share: float = strawberry.field(description="Share of the parent, 0–1.")
    history_share: float | None
    potential_share: float | None
    capability_share: float | None
    history_input: float | None
    potential_input: float | None
    capability_input: float | None

    @classmethod
    def from_record(cls, record: dict, language: str) -> Explanation:
        components, inputs = record["components"], record["inputs"]
        return cls(
            sentence=record["sentence_en" if language == "en" else "sentence_zh"],
            method=record.get("method", "composite"),
            share=record["share"],
            history_share=components["history"],
            potential_share=components["potential"],
            capability_share=components["capability"],
            history_input=inputs["history"],
            potential_input=inputs["potential"],
            capability_input=inputs["capability"],
        )


@strawberry.type(description="Progress and pace of a target on a day.")
class Progress:
    achieved: BigInt
    expected_to_date: float = strawberry.field(description="Where the pace says we should be.")
    completion: float | None = strawberry.field(description="achieved ÷ target")
    pace_ratio: float | None = strawberry.field(description="achieved ÷ expected to date")
    projection: float = strawberry.field(description="Run-rate projection to the period end.")
    gap: float = strawberry.field(description="target − projection; positive means short.")
    weighted_pipeline: float = strawberry.field(
        description="Open deals expected to close in the rest of the period × stage probability."
    )
    pipeline_projection: float = strawberry.field(
        description="achieved + weighted pipeline: the projection from the pipeline."
    )

    @classmethod
    def of(cls, pace) -> Progress:
        return cls(
            achieved=pace.achieved,
            expected_to_date=pace.expected_to_date,
            completion=pace.completion,
            pace_ratio=pace.pace_ratio,
            projection=pace.projection,
            gap=pace.gap,
            weighted_pipeline=pace.weighted_pipeline,
            pipeline_projection=pace.pipeline_projection,
        )


@strawberry.type(name="TargetVersion", description="One change of a target, append-only.")
class TargetVersionType:
    version: int
    action: str = strawberry.field(
        description="set, allocate, propose, approve, lock, adjust, rebalance"
    )
    at: datetime
    reason: str | None
    old_amount: BigInt | None
    new_amount: BigInt
    old_status: TargetStatus | None
    new_status: TargetStatus
    director_override: bool

    @strawberry.field
    async def actor(self, info: Info) -> UserNode | None:
        return await display_user(info, self.actor_user_id)


@strawberry.type(description="A closed period: actual against target, and forecast quality.")
class PeriodReview:
    actual: BigInt
    deviation_rate: float | None = strawberry.field(description="(actual − target) ÷ target")
    forecast_accuracy: float | None = strawberry.field(
        description="1 − mean absolute percentage error of the daily projections"
    )
    projections: int = strawberry.field(description="How many daily projections were recorded.")


@strawberry.type(name="GapReason", description="A managed reason for falling short.")
class GapReasonType(ManagedLabel):
    _model = models.GapReason


@strawberry.type(name="GapTag", description="A reason attached to a target by someone.")
class GapTagType:
    reason_code: str
    note: str | None
    at: datetime

    @strawberry.field
    async def tagged_by(self, info: Info) -> UserNode | None:
        return await display_user(info, self.tagged_by_id)


@strawberry.type(name="TargetComment", description="A comment on a target, with @mentions.")
class TargetCommentType:
    id: int
    body: str
    at: datetime

    @strawberry.field
    async def author(self, info: Info) -> UserNode | None:
        return await display_user(info, self.author_id)

    @strawberry.field(description="The users mentioned with @login.")
    async def mentions(self, info: Info) -> list[UserNode]:
        user_ids = await info.context.loaders.mentions.load(self.id)
        return await info.context.loaders.display_user.load_many(user_ids)


@strawberry.type(name="Target", description="A number for a metric, an owner and a period.")
class TargetNode(OrmNode):
    _model = models.Target
    _loader = "target"

    id: relay.NodeID[int]
    metric: Metric
    period_kind: PeriodKind
    period_start: date
    amount: BigInt
    status: TargetStatus
    version: int = strawberry.field(description="Send it back as `expectedVersion`.")

    @strawberry.field
    def unit(self) -> MetricUnit:
        return METRIC_UNITS[Metric(self.metric)]

    @strawberry.field(description="The first day after the period.")
    def period_end(self) -> date:
        return Period(PeriodKind(self.period_kind), self.period_start).end

    @strawberry.field(description="e.g. 2026, 2026-Q1, 2026-03, 2026-W09")
    def period_label(self) -> str:
        return Period(PeriodKind(self.period_kind), self.period_start).label()

    @strawberry.field
    async def owner_unit(self, info: Info) -> OrgUnitNode | None:
        if self.owner_unit_id is None:
            return None
        return await info.context.loaders.unit.load(self.owner_unit_id)

    @strawberry.field
    async def owner_rep(self, info: Info) -> RepNode | None:
        if self.owner_rep_id is None:
            return None
        return await info.context.loaders.rep.load(self.owner_rep_id)

    @strawberry.field
    async def parent(self, info: Info) -> TargetNode | None:
        if self.parent_id is None:
            return None
        return await info.context.loaders.target.load(self.parent_id)

    @strawberry.field(description="The targets this one was allocated into.")
    def children(self, info: Info) -> list[TargetNode]:
        return info.context.loaders.related("target_children", self.id)

    @strawberry.field
    def explanation(self, info: Info) -> Explanation | None:
        if not self.explanation:
            return None
        return Explanation.from_record(self.explanation, info.context.language)

    @strawberry.field(description="Progress as of a day (default: today).")
    async def progress(
        self, info: Info, as_of: date | None = None, basis: PaceBasis = PaceBasis.WORKING_DAYS
    ) -> Progress:
        key = (self.id, as_of or info.context.today(), basis)
        return Progress.of(await info.context.loaders.progress.load(key))

    @strawberry.field(description="For a closed period: deviation and forecast accuracy.")
    async def review(self, info: Info) -> PeriodReview | None:
        review = await info.context.loaders.review.load((self.id, info.context.today()))
        if review is None:
            return None
        return PeriodReview(
            actual=review.actual,
            deviation_rate=review.deviation_rate,
            forecast_accuracy=review.forecast_accuracy,
            projections=review.projections,
        )

    @strawberry.field(description="Gap reasons attached to this target.")
    def gap_tags(self, info: Info) -> list[GapTagType]:
        return info.context.loaders.related("gap_tags", self.id)

    @strawberry.field(description="Comments, oldest first.")
    def comments(self, info: Info) -> list[TargetCommentType]:
        return info.context.loaders.related("comments", self.id)

    @strawberry.field(description="Every change, oldest first.")
    def history(self, info: Info) -> list[TargetVersionType]:
        return info.context.loaders.related("target_versions", self.id)


@strawberry.type
class TargetConnection(relay.Connection[TargetNode]):
    total_count: int


@strawberry.type(description="One row of a target tree: the target, its depth, its progress.")
class TargetTreeRow:
    target: TargetNode
    depth: int = strawberry.field(description="0 for the root unit's own target.")
    progress: Progress


@strawberry.type(description="Top-down against bottom-up for one child target.")
class ReconciliationRow:
    target: TargetNode
    top_down: BigInt
    bottom_up: BigInt | None = strawberry.field(description="The latest proposal, if any.")
    gap: BigInt | None = strawberry.field(description="bottom-up − top-down")
    reason: str | None = strawberry.field(description="The proposal's reason.")
