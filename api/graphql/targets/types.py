"""GraphQL types of the targets context."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.labels import ManagedLabel, graphql_enum
from api.core.relay import OrmNode
from api.core.scalars import BigInt, whole
from api.graphql.org.types import OrgUnitNode, RepNode, UserNode, display_user
from domain.targets import models
from domain.targets.models import METRIC_UNITS, Metric, MetricUnit, PeriodKind, TargetStatus
from domain.targets.periods import Period
from domain.targets.progress import PaceBasis
from domain.targets.rules import Pace

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
    history_share: float | None = strawberry.field(
        description="The history component's share of the parent, 0–1; null when left out."
    )
    potential_share: float | None = strawberry.field(
        description="The market-potential component's share, 0–1; null when left out."
    )
    capability_share: float | None = strawberry.field(
        description="The capability component's share, 0–1; null when left out."
    )
    history_input: float | None = strawberry.field(
        description="The raw history input: over children, the child's value in the history "
        "window in the metric's unit (fen for money); over time, the period's month "
        "weight; 1 for an even split."
    )
    potential_input: float | None = strawberry.field(
        description="The child's market potential (any non-negative scale); null when not set."
    )
    capability_input: float | None = strawberry.field(
        description="The child's capability input; null when not measured."
    )

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


@strawberry.type(
    description="Progress and pace of a target on a day. Amounts are BigInt in the target's "
    "unit (fen for money, basis points for ratios, counts for counts); those the pace derives "
    "are rounded half to even to whole units, so `gap` = target − `projection` and "
    "`pipelineProjection` = `achieved` + `weightedPipeline` hold exactly."
)
class Progress:
    achieved: BigInt = strawberry.field(
        description="The metric's value from the period start through the as-of day."
    )
    expected_to_date: BigInt = strawberry.field(
        description="Where the pace says we should be by the end of the day: the target × the "
        "expected share of the period so far (rounded half to even)."
    )
    completion: float | None = strawberry.field(
        description="achieved ÷ target (1.0 = 100%); null when the target is 0."
    )
    pace_ratio: float | None = strawberry.field(
        description="achieved ÷ expected to date (before rounding); null while nothing is expected."
    )
    projection: BigInt = strawberry.field(
        description="Run-rate projection to the period end: achieved × working days in the "
        "period ÷ working days elapsed (achieved itself before the first working day), "
        "rounded half to even."
    )
    gap: BigInt = strawberry.field(
        description="target − projection; positive means short, negative ahead."
    )
    weighted_pipeline: BigInt = strawberry.field(
        description="Open deals expected to close in the rest of the period × their stage "
        "probability (rounded half to even)."
    )
    pipeline_projection: BigInt = strawberry.field(
        description="achieved + weighted pipeline: the projection from the pipeline."
    )

    @classmethod
    def of(cls, pace: Pace) -> Progress:
        projection, weighted_pipeline = whole(pace.projection), whole(pace.weighted_pipeline)
        return cls(
            achieved=BigInt(pace.achieved),
            expected_to_date=whole(pace.expected_to_date),
            completion=pace.completion,
            pace_ratio=pace.pace_ratio,
            projection=projection,
            gap=BigInt(pace.target - projection),
            weighted_pipeline=weighted_pipeline,
            pipeline_projection=BigInt(pace.achieved + weighted_pipeline),
        )


@strawberry.type(name="TargetVersion", description="One change of a target, append-only.")
class TargetVersionType:
    version: int = strawberry.field(description="The target's version after this change: 1, 2, …")
    action: str = strawberry.field(
        description="set, allocate, propose, approve, lock, adjust, rebalance"
    )
    at: datetime = strawberry.field(description="When it changed.")
    reason: str | None = strawberry.field(description="Why, as given by the actor.")
    old_amount: BigInt | None = strawberry.field(
        description="The amount before, in the target's unit; null for the first version."
    )
    new_amount: BigInt = strawberry.field(description="The amount after, in the target's unit.")
    old_status: TargetStatus | None = strawberry.field(
        description="The status before; null for the first version."
    )
    new_status: TargetStatus = strawberry.field(description="The status after.")
    director_override: bool = strawberry.field(
        description="A director overrode the calibration window with a reason."
    )

    @strawberry.field(description="Who changed it; null for the system or when outside your scope.")
    async def actor(self, info: Info) -> UserNode | None:
        return await display_user(info, self.actor_user_id)


@strawberry.type(description="A closed period: actual against target, and forecast quality.")
class PeriodReview:
    actual: BigInt = strawberry.field(
        description="What was achieved over the whole period, in the target's unit."
    )
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
    reason_code: str = strawberry.field(description="A code of `gapReasons`.")
    note: str | None = strawberry.field(description="Free text; required for `other`.")
    at: datetime = strawberry.field(description="When it was tagged.")

    @strawberry.field(description="Who tagged it; null when outside your scope.")
    async def tagged_by(self, info: Info) -> UserNode | None:
        return await display_user(info, self.tagged_by_id)


@strawberry.type(name="TargetComment", description="A comment on a target, with @mentions.")
class TargetCommentType:
    id: int = strawberry.field(description="The comment's number.")
    body: str = strawberry.field(description="The text, with @login mentions.")
    at: datetime = strawberry.field(description="When it was written.")

    @strawberry.field(description="Who wrote it; null when outside your scope.")
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
    metric: Metric = strawberry.field(description="What the target measures.")
    period_kind: PeriodKind = strawberry.field(description="YEAR, QUARTER, MONTH or WEEK.")
    period_start: date = strawberry.field(
        description="The period's first day (aligned to the calendar)."
    )
    amount: BigInt = strawberry.field(
        description="The number, in the metric's unit: fen for money, basis points for ratios, a "
        "count for counts."
    )
    status: TargetStatus = strawberry.field(description="DRAFT → PROPOSED → APPROVED → LOCKED.")
    version: int = strawberry.field(description="Send it back as `expectedVersion`.")

    @strawberry.field(description="The metric's unit.")
    def unit(self) -> MetricUnit:
        return METRIC_UNITS[Metric(self.metric)]

    @strawberry.field(description="The first day after the period.")
    def period_end(self) -> date:
        return Period(PeriodKind(self.period_kind), self.period_start).end

    @strawberry.field(description="e.g. 2026, 2026-Q1, 2026-03, 2026-W09")
    def period_label(self) -> str:
        return Period(PeriodKind(self.period_kind), self.period_start).label()

    @strawberry.field(description="The owning org unit; null when a rep owns the target.")
    def owner_unit(self, info: Info) -> OrgUnitNode | None:
        return info.context.loaders.related("unit", self.owner_unit_id)

    @strawberry.field(description="The owning rep; null when an org unit owns the target.")
    def owner_rep(self, info: Info) -> RepNode | None:
        return info.context.loaders.related("rep", self.owner_rep_id)

    @strawberry.field(description="The target this one was allocated from; null for a top target.")
    async def parent(self, info: Info) -> TargetNode | None:
        if self.parent_id is None:
            return None
        return await info.context.loaders.target.load(self.parent_id)

    @strawberry.field(description="The targets this one was allocated into.")
    def children(self, info: Info) -> list[TargetNode]:
        return info.context.loaders.related("target_children", self.id)

    @strawberry.field(description="Why an allocated target's amount is what it is; null otherwise.")
    def explanation(self, info: Info) -> Explanation | None:
        if not self.explanation:
            return None
        return Explanation.from_record(self.explanation, info.context.language)

    @strawberry.field(description="Progress as of a day (default: today).")
    async def progress(
        self,
        info: Info,
        as_of: Annotated[
            date | None,
            strawberry.argument(
                description="The day to measure through (inclusive); default: today in the "
                "company's time zone."
            ),
        ] = None,
        basis: Annotated[
            PaceBasis,
            strawberry.argument(
                description="What the expected pace counts: working days or the seasonal profile."
            ),
        ] = PaceBasis.WORKING_DAYS,
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


@strawberry.type(description="A page of targets.")
class TargetConnection(relay.Connection[TargetNode]):
    total_count: int = strawberry.field(
        description="How many targets match the filters, over all pages."
    )


@strawberry.type(description="One row of a target tree: the target, its depth, its progress.")
class TargetTreeRow:
    target: TargetNode = strawberry.field(description="The target.")
    depth: int = strawberry.field(description="0 for the root unit's own target.")
    progress: Progress = strawberry.field(description="Its progress as of the tree's day.")


@strawberry.type(description="Top-down against bottom-up for one child target.")
class ReconciliationRow:
    target: TargetNode = strawberry.field(description="The child target.")
    top_down: BigInt = strawberry.field(description="Its allocated amount.")
    bottom_up: BigInt | None = strawberry.field(description="The latest proposal, if any.")
    gap: BigInt | None = strawberry.field(description="bottom-up − top-down")
    reason: str | None = strawberry.field(description="The proposal's reason.")
