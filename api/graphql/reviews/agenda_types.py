"""GraphQL types of a weekly review's 15-minute agenda (domain.reviews.agenda)."""

from __future__ import annotations

from typing import Any

import strawberry


@strawberry.type(description="One item of the review's agenda, with its minutes.")
class ReviewAgendaItem:
    kind: str = strawberry.field(description="gap (one of the top-3 gaps), alerts or suggestions.")
    title: str = strawberry.field(description="What to discuss, in your language.")
    minutes: int = strawberry.field(description="Whole minutes for it.")
    gap: float | None = strawberry.field(
        description="For a gap: how far short of target (the metric's unit; fen for money)."
    )


@strawberry.type(
    description="The weekly review's agenda: top-3 gaps, alerts, suggestions; its items' "
    "minutes add up to the meeting's length (15). 周会议程。"
)
class ReviewAgenda:
    total_minutes: int = strawberry.field(description="15, or 0 when there is nothing to discuss.")
    items: list[ReviewAgendaItem] = strawberry.field(description="In the order to discuss them.")

    @classmethod
    def of(cls, agenda: dict[str, Any], english: bool) -> ReviewAgenda:
        return cls(
            total_minutes=agenda["total_minutes"],
            items=[
                ReviewAgendaItem(
                    kind=item["kind"],
                    title=item["title_en"] if english else item["title_zh"],
                    minutes=item["minutes"],
                    gap=item.get("gap"),
                )
                for item in agenda["items"]
            ],
        )
