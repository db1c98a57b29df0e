"""GraphQL types of gap reasons, comments and OKRs."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.graphql.org.types import OrgUnitNode, RepNode
from api.graphql.targets.types import GapReasonType, TargetNode
from domain.targets.collaboration import service as collaboration
from domain.targets.progress import PaceBasis

AsOf = Annotated[
    date | None,
    strawberry.argument(
        description="The day the key results' progress is measured through; default: today."
    ),
]


@strawberry.type(description="A gap reason and how often it was tagged.")
class GapReasonCount:
    reason: GapReasonType = strawberry.field(description="The gap reason.")
    count: int = strawberry.field(description="How many times it was tagged.")


@strawberry.type(name="KeyResult", description="A key result bound to a metric target.")
class KeyResultType:
    title: str = strawberry.field(description="What the key result says.")

    @strawberry.field(
        description="The metric target it is measured by; null when outside your scope."
    )
    def target(self, info: Info) -> TargetNode | None:
        return info.context.loaders.related("target", self.target_id)


@strawberry.type(name="Objective", description="An OKR objective with 2–4 key results.")
class ObjectiveType:
    id: int = strawberry.field(description="The objective's number.")
    title: str = strawberry.field(description="What the objective says.")

    @strawberry.field(description="The owning unit; null when a rep owns it.")
    async def owner_unit(self, info: Info) -> OrgUnitNode | None:
        kind, _, key = self.owner_key.partition(":")
        return await info.context.loaders.unit.load(int(key)) if kind == "unit" else None

    @strawberry.field(description="The owning rep; null when a unit owns it.")
    async def owner_rep(self, info: Info) -> RepNode | None:
        kind, _, key = self.owner_key.partition(":")
        return await info.context.loaders.rep.load(int(key)) if kind == "rep" else None

    @strawberry.field(description="Its 2–4 key results.")
    def key_results(self, info: Info) -> list[KeyResultType]:
        return info.context.loaders.related("key_results", self.id)

    @strawberry.field(description="Mean completion of the key results, each capped at 1.0.")
    async def score(self, info: Info, as_of: AsOf = None) -> float:
        return await _okr_score(self.id, info, as_of)

    @strawberry.field(description="A score of 0.7 or more counts as success.")
    async def success(self, info: Info, as_of: AsOf = None) -> bool:
        return await _okr_score(self.id, info, as_of) >= collaboration.OKR_SUCCESS


async def _okr_score(objective_id: int, info: Info, as_of: date | None) -> float:
    day = as_of or info.context.today()
    key_results = await info.context.loaders.key_results.load(objective_id)
    paces = await info.context.loaders.progress.load_many(
        [(kr.target_id, day, PaceBasis.WORKING_DAYS) for kr in key_results]
    )
    return collaboration.okr_score(paces)
