"""GraphQL types of milestones: the rules of the milestones file, a rep's awards and their
events, and what an evaluation run did."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.core.labels import graphql_enum
from domain.capability import awards, milestones
from domain.capability.models import AwardEventKind

graphql_enum(AwardEventKind, "What happened to a milestone award. 里程碑事件。")


@strawberry.type(description="An award or revocation, with the numbers that decided it.")
class MilestoneEvent:
    kind: AwardEventKind = strawberry.field(description="AWARDED or REVOKED.")
    as_of: date = strawberry.field(description="The day evaluated.")
    numbers: JSON = strawberry.field(
        description="The requirements and the values found, as a JSON object."
    )
    at: datetime = strawberry.field(description="When it was recorded.")


@strawberry.type(description="A milestone a rep holds, or held until it was revoked. 里程碑。")
class MilestoneAward:
    milestone: str = strawberry.field(description="The milestone's id in the milestones file.")
    flags: list[str] = strawberry.field(description="What it unlocks while held.")
    numbers: JSON = strawberry.field(description="The requirements and the values that met them.")
    awarded_on: date = strawberry.field(description="The day it was awarded.")
    revoked_on: date | None = strawberry.field(
        description="The day it was revoked; null while held."
    )

    @strawberry.field(description="The milestone's title in your language.")
    def title(self, info: Info) -> str:
        found = _milestones(info).get(self.milestone)
        return found.title_in(info.context.language) if found else self.milestone

    @strawberry.field(description="True while held.")
    def current(self) -> bool:
        return self.revoked_on is None

    @strawberry.field(description="Awards and revocations, oldest first.")
    async def events(self, info: Info) -> list[MilestoneEvent]:
        loader = info.context.loaders.custom(
            "capability_award_events", awards.award_events_of, scoped=False, default=list
        )
        return await loader.load(self.id)


def _milestones(info: Info) -> milestones.Milestones:
    settings = info.context.settings
    return milestones.load_milestones(milestones.milestones_file(settings.milestones_file))


@strawberry.type(description="A milestone rule of the milestones file. 里程碑规则。")
class MilestoneRule:
    id: str = strawberry.field(description="The milestone's id in the milestones file.")
    title: str = strawberry.field(description="Its title in your language.")
    requires: list[str] = strawberry.field(description="Each requirement in words.")
    unlocks: list[str] = strawberry.field(description="The flags it unlocks while held.")


def milestone_rules(info: Info) -> list[MilestoneRule]:
    language = info.context.language
    return [
        MilestoneRule(
            id=rule.id,
            title=rule.title_in(language),
            requires=[milestones.describe(req, language) for req in rule.requires],
            unlocks=list(rule.unlocks),
        )
        for rule in _milestones(info).milestones
    ]


@strawberry.type(description="What a milestone evaluation did.")
class MilestoneRunSummary:
    as_of: date = strawberry.field(description="The day evaluated.")
    reps: int = strawberry.field(description="Reps evaluated.")
    awarded: int = strawberry.field(description="Awards made by the run.")
    revoked: int = strawberry.field(description="Awards revoked by the run.")
    held: int = strawberry.field(description="Awards in force after the run.")
