"""GraphQL types of capability: scores per dimension with their sources, override and
history; a rep's profile with milestones, flags, ratings and review pack; a unit's heatmap.

Scores, history, awards and ratings resolve through per-request loaders
(`loaders.custom`), so a heatmap of any size costs the same number of statements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.core.errors import read
from api.core.labels import graphql_enum
from api.graphql.capability.milestone_types import MilestoneAward
from api.graphql.org.types import OrgUnitNode, RepNode, UserNode, display_user
from api.graphql.pipeline.types import OpportunityNode
from coaching.practice.review_pack import ReviewItem, review_pack
from domain.capability import queries, rules, service
from domain.capability.models import CapabilityScore as ScoreRow
from domain.capability.models import (
    CapabilitySource,
    CapabilityTier,
    ScoreChangeCause,
)
from domain.org.models import OrgUnit, Rep

REVIEW_PACK_MAX = 20

graphql_enum(CapabilitySource, "Where capability evidence comes from. 能力证据来源。")
graphql_enum(CapabilityTier, "≥90 expert, ≥75 proficient, ≥50 developing, else novice. 能力等级。")
graphql_enum(ScoreChangeCause, "Why a capability score changed. 能力分变化原因。")


def _say(info: Info, zh: str, en: str) -> str:
    return en if info.context.language == "en" else zh


def scores_loader(info: Info):
    return info.context.loaders.custom(
        "capability_scores", service.score_rows, scoped=False, default=dict
    )


@strawberry.type(description="A capability dimension, labelled in zh-CN and en. 能力维度。")
class CapabilityDimension:
    code: str = strawberry.field(description="e.g. `needs_discovery`.")
    label_zh: str = strawberry.field(description="The dimension's name in Chinese, e.g. 需求深挖.")
    label_en: str = strawberry.field(
        description="The dimension's name in English, e.g. Needs discovery."
    )

    @strawberry.field(description="In your language.")
    def label(self, info: Info) -> str:
        return _say(info, self.label_zh, self.label_en)

    @classmethod
    def of(cls, code: str) -> CapabilityDimension:
        zh, en = rules.dimension_labels(code)
        return cls(code=code, label_zh=zh, label_en=en)


@strawberry.type(description="One source's part of a score.")
class CapabilitySourceScore:
    source: CapabilitySource = strawberry.field(description="Where the evidence comes from.")
    value: float = strawberry.field(description="The source's own score, 0..100.")
    weight: float = strawberry.field(description="Its share of the score, 0..1 (shares sum to 1).")
    observations: int = strawberry.field(description="Observations behind it (deals count each).")


@strawberry.type(description="A manager's override of a computed score.")
class CapabilityOverride:
    score: float = strawberry.field(description="The score set by hand, 0..100.")
    reason: str = strawberry.field(description="Why it was set.")
    at: datetime = strawberry.field(description="When it was set.")
    user_id: strawberry.Private[int | None]

    @strawberry.field(description="Who set it.")
    async def by(self, info: Info) -> UserNode | None:
        return await display_user(info, self.user_id)


@strawberry.type(description="One change of a score (append-only history).")
class CapabilityScoreChange:
    cause: ScoreChangeCause = strawberry.field(description="What changed the score.")
    computed_score: float | None = strawberry.field(
        description="The computed score after the change, 0..100; null without evidence."
    )
    override_score: float | None = strawberry.field(
        description="The manager's override after the change, if any."
    )
    score: float | None = strawberry.field(description="Effective: the override, if any.")
    confidence: float = strawberry.field(description="The confidence after the change, 0..1.")
    at: datetime = strawberry.field(description="When it changed.")
    note: str | None = strawberry.field(description="The override's reason, if one.")

    @strawberry.field(description="Who changed it by hand; null when evidence changed it.")
    async def by(self, info: Info) -> UserNode | None:
        return await display_user(info, self.user_id)


@strawberry.type(description="A rep's score in one dimension. 能力分。")
class CapabilityScore:
    dimension: str = strawberry.field(description="The dimension's code, e.g. `needs_discovery`.")
    rep_id: strawberry.Private[int]
    row: strawberry.Private[ScoreRow | None]

    @classmethod
    def of(cls, rep_id: int, dimension: str, row: ScoreRow | None) -> CapabilityScore:
        return cls(dimension=dimension, rep_id=rep_id, row=row)

    @strawberry.field(description="The dimension's label in your language.")
    def label(self, info: Info) -> str:
        return rules.dimension_label(self.dimension, info.context.language)

    @strawberry.field(description="Effective score 0..100: the override if any, else computed.")
    def score(self) -> float | None:
        return self.row.effective_score if self.row else None

    @strawberry.field(description="From the evidence, 0..100; null without evidence.")
    def computed_score(self) -> float | None:
        return self.row.computed_score if self.row else None

    @strawberry.field(description="n / (n + 5) over the recency-weighted observations, 0..1.")
    def confidence(self) -> float:
        return self.row.confidence if self.row else 0.0

    @strawberry.field(description="Of the effective score.")
    def tier(self) -> CapabilityTier | None:
        return rules.tier(self.row.effective_score if self.row else None)

    @strawberry.field(description="Observations behind the computed score.")
    def observations(self) -> int:
        return self.row.observations if self.row else 0

    @strawberry.field(description="The computed score by source: value, weight, observations.")
    def sources(self) -> list[CapabilitySourceScore]:
        parts = self.row.sources if self.row else []
        return [
            CapabilitySourceScore(**{**p, "source": CapabilitySource(p["source"])}) for p in parts
        ]

    @strawberry.field(description="The day the computed score was last worked out.")
    def computed_on(self) -> date | None:
        return self.row.computed_on if self.row else None

    @strawberry.field(description="A manager's override; the computed score stays beside it.")
    def override(self) -> CapabilityOverride | None:
        if self.row is None or self.row.override_score is None:
            return None
        return CapabilityOverride(
            score=self.row.override_score,
            reason=self.row.override_reason,
            at=self.row.override_at,
            user_id=self.row.override_by_user_id,
        )

    @strawberry.field(description="Its changes, newest first.")
    async def history(
        self,
        info: Info,
        limit: Annotated[
            int, strawberry.argument(description="At most this many changes (up to 100).")
        ] = 20,
    ) -> list[CapabilityScoreChange]:
        loader = info.context.loaders.custom(
            "capability_history", queries.history_of, scoped=False, default=list
        )
        return (await loader.load((self.rep_id, self.dimension)))[: max(limit, 0)]


async def scores_of(info: Info, rep_id: int) -> list[CapabilityScore]:
    """Every configured dimension of a rep, in order (without a score when there is none)."""
    rows = await scores_loader(info).load(rep_id)
    return [
        CapabilityScore.of(rep_id, code, rows.get(code))
        for code in service.dimensions(info.context.settings)
    ]


@strawberry.type(description="A customer's 1–5 rating of a follow-up or a deal. 客户评价。")
class CustomerRating:
    id: int = strawberry.field(description="The rating's number.")
    rating: int = strawberry.field(description="1 (poor) to 5 (excellent).")
    dimensions: list[str] = strawberry.field(description="The dimensions it speaks to.")
    comment: str | None = strawberry.field(description="The customer's comment, if any.")
    rated_on: date = strawberry.field(description="The day the customer rated.")
    external_id: str | None = strawberry.field(description="Its id in the survey system.")
    follow_up_id: int | None = strawberry.field(description="The rated follow-up, if one.")
    created_at: datetime = strawberry.field(description="When it was recorded.")

    @strawberry.field(description="The rated rep; null when outside your scope.")
    def rep(self, info: Info) -> RepNode | None:
        return info.context.loaders.related("rep", self.rep_id)

    @strawberry.field(description="The rated deal, if one.")
    async def opportunity(self, info: Info) -> OpportunityNode | None:
        if self.opportunity_id is None:
            return None
        return await info.context.loaders.opportunity.load(self.opportunity_id)


@strawberry.type(description="A check the rep missed often, with what to say instead.")
class ReviewPackItem:
    scenario_id: str = strawberry.field(description="The scenario the check belongs to.")
    scenario_title: str = strawberry.field(description="Its title in your language.")
    check_id: str = strawberry.field(description="The check missed.")
    criterion_id: str = strawberry.field(description="The criterion of the check.")
    dimension: str = strawberry.field(description="The capability dimension code of the criterion.")
    question: str = strawberry.field(description="The check's yes/no question, in your language.")
    tip: str | None = strawberry.field(
        description="The scenario's hint, in your language; null when it has none."
    )
    model_answer: str = strawberry.field(
        description="What a strong rep would have said, in your language."
    )
    missed: int = strawberry.field(description="Sessions in which it was missed.")
    seen: int = strawberry.field(description="Sessions of that scenario looked at.")
    last_missed_at: datetime = strawberry.field(description="When it was last missed.")

    @classmethod
    def of(cls, info: Info, item: ReviewItem) -> ReviewPackItem:
        language = info.context.language
        return cls(
            scenario_id=item.scenario_id,
            scenario_title=item.scenario_title.get(language),
            check_id=item.check_id,
            criterion_id=item.criterion_id,
            dimension=item.dimension,
            question=item.question.get(language),
            tip=item.tip.get(language) if item.tip else None,
            model_answer=item.model_answer.get(language),
            missed=item.missed,
            seen=item.seen,
            last_missed_at=item.last_missed_at,
        )


@strawberry.type(description="The weakest checks of a rep's recent practice in some dimensions.")
class ReviewPack:
    dimensions: list[str] = strawberry.field(description="The dimension codes looked at.")
    sessions: int = strawberry.field(description="Finished sessions looked at.")
    items: list[ReviewPackItem] = strawberry.field(
        description="The checks missed most often, most missed first."
    )


@strawberry.type(description="A rep's capability: scores, milestones, flags. 能力画像。")
class CapabilityProfile:
    rep_row: strawberry.Private[Rep]

    @strawberry.field(description="The rep.")
    def rep(self) -> RepNode:
        return self.rep_row

    @strawberry.field(description="Every configured dimension, in order.")
    async def dimensions(self, info: Info) -> list[CapabilityScore]:
        return await scores_of(info, self.rep_row.id)

    @strawberry.field(description="Flags unlocked by the milestones the rep holds.")
    async def flags(self, info: Info) -> list[str]:
        loader = info.context.loaders.custom("capability_flags", service.flags_of, scoped=False)
        return sorted(await loader.load(self.rep_row.id))

    @strawberry.field(description="Milestones held or once held, newest first.")
    async def milestones(self, info: Info) -> list[MilestoneAward]:
        loader = info.context.loaders.custom(
            "capability_awards", queries.awards_of, scoped=False, default=list
        )
        return await loader.load(self.rep_row.id)

    @strawberry.field(description="The newest customer ratings (at most 20).")
    async def ratings(self, info: Info) -> list[CustomerRating]:
        loader = info.context.loaders.custom(
            "capability_ratings", queries.ratings_of, scoped=False, default=list
        )
        return await loader.load(self.rep_row.id)

    @strawberry.field(
        description="The checks missed most often in the rep's recent finished practice (the "
        "newest 20 sessions) in `dimensions` — by default those whose effective score is below "
        "the gap threshold (PACER_CAPABILITY_GAP_THRESHOLD) — with the question, tip and model "
        "answer. UNKNOWN_DIMENSION for a dimension that is not configured."
    )
    async def review_pack(
        self,
        info: Info,
        dimensions: Annotated[
            list[str] | None,
            strawberry.argument(
                description="Dimension codes to look at; default: the rep's weak dimensions."
            ),
        ] = None,
        limit: Annotated[
            int,
            strawberry.argument(description="At most this many items (up to 20)."),
        ] = 5,
    ) -> ReviewPack:
        context = info.context
        configured = service.dimensions(context.settings)
        if dimensions is None:
            rows = await scores_loader(info).load(self.rep_row.id)
            effective = {code: row.effective_score for code, row in rows.items()}
            threshold = context.settings.capability_gap_threshold
            dimensions = list(rules.weak_dimensions(effective, configured, threshold))

        async def use_case(session, actor):
            for code in dimensions:
                rules.check_dimension(code, configured, "dimensions")
            size = min(max(limit, 0), REVIEW_PACK_MAX)
            return await review_pack(session, context.scenarios, self.rep_row.id, dimensions, size)

        pack = await read(info, use_case)
        return ReviewPack(
            dimensions=list(pack.dimensions),
            sessions=pack.sessions,
            items=[ReviewPackItem.of(info, item) for item in pack.items],
        )


@strawberry.type(description="A rep's row of a heatmap: a score per dimension, in order.")
class CapabilityHeatmapRow:
    rep_row: strawberry.Private[Rep]

    @strawberry.field(description="The rep.")
    def rep(self) -> RepNode:
        return self.rep_row

    @strawberry.field(description="A score per configured dimension, in the order of `dimensions`.")
    async def scores(self, info: Info) -> list[CapabilityScore]:
        return await scores_of(info, self.rep_row.id)


@strawberry.type(description="Reps × dimensions of a unit's subtree. 能力热力图。")
class CapabilityHeatmap:
    unit_row: strawberry.Private[OrgUnit]
    rows: list[CapabilityHeatmapRow] = strawberry.field(
        description="One row per rep of the subtree."
    )

    @strawberry.field(description="The unit whose subtree is shown.")
    def unit(self) -> OrgUnitNode:
        return self.unit_row

    @strawberry.field(description="The columns, in order.")
    def dimensions(self, info: Info) -> list[CapabilityDimension]:
        return [CapabilityDimension.of(code) for code in service.dimensions(info.context.settings)]


@strawberry.type(description="What a deal-quality refresh did.")
class CapabilityRefreshSummary:
    as_of: date = strawberry.field(description="The day refreshed.")
    periods: list[str] = strawberry.field(description="The quarters refreshed, e.g. `2026Q4`.")
    deals: int = strawberry.field(description="Closed deals compared.")
    reps_with_new_evidence: int = strawberry.field(
        description="Reps whose deal-quality evidence changed."
    )
    scores_changed: int = strawberry.field(description="Scores that changed.")
