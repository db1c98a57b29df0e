"""GraphQL types of weekly reviews: the review, its anomalies, suggestions and key customers.
Its snapshot (the frozen JSON of `domain.reviews.snapshot` as typed objects) is in
snapshot_types. Every relationship resolves through a per-request DataLoader of
`api.core.loaders`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.labels import expose_enum
from api.core.relay import OrmNode
from api.core.scalars import BigInt
from api.graphql.org.types import OrgUnitNode, RepNode, UserNode, display_user
from api.graphql.pipeline.types import AccountType
from api.graphql.reviews.agenda_types import ReviewAgenda
from api.graphql.reviews.snapshot_types import ReviewSnapshot
from api.graphql.targets.types import TargetNode
from domain.reviews import service as reviews
from domain.reviews.agenda import build_agenda
from domain.reviews.export import ReviewExportFormat
from domain.reviews.models import ReviewAnomaly, ReviewSuggestion, SuggestionStatus, WeeklyReview

expose_enum(SuggestionStatus, "Where a target-adjustment suggestion stands. 调整建议状态。")
expose_enum(
    ReviewExportFormat,
    "JSON (the whole review) or CSV (one table with a `section` column, UTF-8 with a BOM "
    "for Excel). 导出格式。",
)


@strawberry.type(name="ReviewAnomaly", description="Something marked as out of the ordinary.")
class ReviewAnomalyNode(OrmNode):
    _model = ReviewAnomaly
    _loader = "review_anomaly"

    id: relay.NodeID[int]
    note: str = strawberry.field(description="What is out of the ordinary.")
    created_at: datetime = strawberry.field(description="When it was marked.")

    @strawberry.field(description="The target it is about, if any (null outside your scope).")
    async def target(self, info: Info) -> TargetNode | None:
        if self.target_id is None:
            return None
        return await info.context.loaders.target.load(self.target_id)

    @strawberry.field(description="The rep it is about, if any (null outside your scope).")
    async def rep(self, info: Info) -> RepNode | None:
        if self.rep_id is None:
            return None
        return await info.context.loaders.rep.load(self.rep_id)

    @strawberry.field(description="Who marked it.")
    async def created_by(self, info: Info) -> UserNode | None:
        return await display_user(info, self.created_by_user_id)


@strawberry.type(
    name="ReviewSuggestion",
    description="A proposed new amount for a target; a director accepts it into a rebalance.",
)
class ReviewSuggestionNode(OrmNode):
    _model = ReviewSuggestion
    _loader = "review_suggestion"

    id: relay.NodeID[int]
    proposed_amount: BigInt = strawberry.field(
        description="The proposed new amount, in the target's unit (fen for money)."
    )
    reason: str = strawberry.field(description="Why.")
    status: SuggestionStatus = strawberry.field(description="PENDING, ACCEPTED or REJECTED.")
    created_at: datetime = strawberry.field(description="When it was suggested.")
    decided_at: datetime | None = strawberry.field(
        description="When it was accepted or rejected; null while pending."
    )

    @strawberry.field(description="The target (its amount and version now).")
    def target(self, info: Info) -> TargetNode | None:
        return info.context.loaders.related("target", self.target_id)

    @strawberry.field(description="Who suggested it.")
    async def created_by(self, info: Info) -> UserNode | None:
        return await display_user(info, self.created_by_user_id)

    @strawberry.field(description="Who accepted or rejected it.")
    async def decided_by(self, info: Info) -> UserNode | None:
        return await display_user(info, self.decided_by_user_id)


@strawberry.type(description="An account confirmed as a key customer of the review's week.")
class ReviewKeyCustomer:
    note: str | None = strawberry.field(description="Why it is a key customer, if noted.")
    confirmed_at: datetime = strawberry.field(description="When it was confirmed.")

    @strawberry.field(
        description="The account's global ID (even when the account is outside your scope)."
    )
    def account_id(self) -> relay.GlobalID:
        return relay.GlobalID("Account", str(self.account_id))

    @strawberry.field(description="The account (null outside your scope).")
    def account(self, info: Info) -> AccountType | None:
        return info.context.loaders.related("account", self.account_id)

    @strawberry.field(description="Who confirmed it.")
    async def confirmed_by(self, info: Info) -> UserNode | None:
        return await display_user(info, self.confirmed_by_user_id)


@strawberry.type(
    name="WeeklyReview",
    description="A unit's weekly calibration review: the snapshot frozen when it started, "
    "the anomalies marked, the target adjustments suggested and decided, the key customers "
    "confirmed. 周复盘。",
)
class WeeklyReviewNode(OrmNode):
    _model = WeeklyReview
    _loader = "weekly_review"

    id: relay.NodeID[int]
    week_start: date = strawberry.field(description="The Monday of the ISO week.")
    created_at: datetime = strawberry.field(
        description="When the review started and its snapshot was taken."
    )

    @strawberry.field(description="e.g. 2026-W47")
    def week_label(self) -> str:
        return self.snapshot["week"]["label"]

    @strawberry.field(description="The unit reviewed; null when outside your scope.")
    def unit(self, info: Info) -> OrgUnitNode | None:
        return info.context.loaders.related("unit", self.unit_id)

    @strawberry.field(description="Who started it.")
    async def created_by(self, info: Info) -> UserNode | None:
        return await display_user(info, self.created_by_user_id)

    @strawberry.field(name="snapshot", description="Frozen when the review started.")
    def snapshot_(self) -> ReviewSnapshot:
        return ReviewSnapshot.of(self.snapshot)

    @strawberry.field(
        description="The 15-minute agenda: the top-3 gaps, the alerts, the suggestions, "
        "with minutes per item."
    )
    async def agenda(self, info: Info) -> ReviewAgenda:
        rows = await info.context.loaders.review_suggestions.load(self.id)
        suggestions = [{"status": row.status} for row in rows]
        return ReviewAgenda.of(
            build_agenda(self.snapshot, suggestions), info.context.language == "en"
        )

    @strawberry.field(description="Oldest first.")
    def anomalies(self, info: Info) -> list[ReviewAnomalyNode]:
        return info.context.loaders.related("review_anomalies", self.id)

    @strawberry.field(description="Oldest first; optionally only those with a status.")
    async def suggestions(
        self,
        info: Info,
        status: Annotated[
            SuggestionStatus | None,
            strawberry.argument(description="Only suggestions with this status; null for all."),
        ] = None,
    ) -> list[ReviewSuggestionNode]:
        rows = await info.context.loaders.review_suggestions.load(self.id)
        return [row for row in rows if status is None or row.status == status.value]

    @strawberry.field(description="The confirmed key customers, in the order confirmed.")
    def key_customers(self, info: Info) -> list[ReviewKeyCustomer]:
        return info.context.loaders.related("review_key_customers", self.id)

    @strawberry.field(
        description="The whole review as a file's content. JSON: one object (review, "
        "snapshot, anomalies, suggestions, key_customers, agenda). CSV: one table whose "
        "`section` column says what each row is, UTF-8 starting with a byte-order mark so "
        "Excel shows Chinese correctly. PDF: a printable A4 report, agenda first, "
        "base64-encoded. Ids inside are database ids."
    )
    async def export(
        self,
        info: Info,
        format: Annotated[
            ReviewExportFormat, strawberry.argument(description="JSON, CSV or PDF.")
        ] = ReviewExportFormat.JSON,
    ) -> str:
        return await info.context.run(reviews.export_review, self, format)


@strawberry.type(description="A page of weekly reviews.")
class WeeklyReviewConnection(relay.Connection[WeeklyReviewNode]):
    total_count: int = strawberry.field(description="Reviews matching the filter.")
