"""`Opportunity.winProbability`: the learned chance of winning with its three main reasons,
or the fixed stage table's; one batch per request (a DataLoader), never a model per row."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from api.core.labels import graphql_enum
from domain.forecasts.chances import WinChance, WinProbabilitySource, win_chances_by_ids

graphql_enum(
    WinProbabilitySource,
    "Where a win probability comes from: the learned model, the fixed stage table, or the "
    "outcome of a closed deal. 胜率来源。",
)


@strawberry.type(description="One reason behind a learned win probability. 胜率原因。")
class WinProbabilityReason:
    feature: str = strawberry.field(description="The feature, e.g. `stage`, `owner_record`.")
    label_zh: str = strawberry.field(description="The feature and the deal's value, in Chinese.")
    label_en: str = strawberry.field(description="The feature and the deal's value, in English.")
    effect: float = strawberry.field(
        description="How far it moves the log-odds from the average deal's; positive raises it."
    )

    @strawberry.field(description="In your language.")
    def label(self, info: Info) -> str:
        return self.label_en if info.context.language == "en" else self.label_zh


@strawberry.type(description="The chance of winning a deal and why. 赢单概率。")
class WinProbability:
    value: float = strawberry.field(description="0..1.")
    source: WinProbabilitySource = strawberry.field(
        description="MODEL when a trained model answered; STAGE_TABLE when none is stored (too "
        "thin a history); OUTCOME for a closed deal (1 won, 0 lost)."
    )
    reasons: list[WinProbabilityReason] = strawberry.field(
        description="The three features that moved it most (MODEL only; else empty)."
    )
    model_version: int | None = strawberry.field(description="The model's version, if one.")

    @classmethod
    def of(cls, chance: WinChance) -> WinProbability:
        return cls(
            value=chance.value,
            source=WinProbabilitySource(chance.source),
            reasons=[
                WinProbabilityReason(
                    feature=r.feature, label_zh=r.label_zh, label_en=r.label_en, effect=r.effect
                )
                for r in chance.reasons
            ],
            model_version=chance.model_version,
        )


async def win_probability_of(info: Info, opportunity_id: int) -> WinProbability:
    """Through the request's loader: every opportunity of the page in one batch."""
    context = info.context
    settings = context.settings
    today: date = context.today()

    async def by_ids(session, ids):
        return await win_chances_by_ids(session, settings, ids, today=today)

    loader = context.loaders.custom("win_probability", by_ids, scoped=False)
    return WinProbability.of(await loader.load(opportunity_id))
