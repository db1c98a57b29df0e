"""GraphQL types of a deal's contract: its compliance checklist and the service hand-over."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.types import Info

from api.core.scalars import BigInt
from api.graphql.org.types import RepNode, UserNode, display_user
from domain.pipeline import checklist


@strawberry.type(
    name="ContractChecklistItem",
    description="One compliance item of a deal's contract checklist; all must be checked "
    "before the deal is won. 合同合规清单项。",
)
class ContractChecklistItemType:
    code: str = strawberry.field(description="The item's code, e.g. `legal_review`.")
    position: int = strawberry.field(description="Its place in the list, from 0.")
    checked_at: datetime | None = strawberry.field(description="When it was checked; null if not.")
    note: str | None = strawberry.field(description="What the checker noted, if anything.")

    @strawberry.field(description="The item in the request's language.")
    def label(self, info: Info) -> str:
        return self.label_en if info.context.language == "en" else self.label_zh  # type: ignore[attr-defined]

    @strawberry.field(description="Whether it is checked.")
    def checked(self) -> bool:
        return self.checked_at is not None

    @strawberry.field(description="Who checked it; null if not checked or outside your scope.")
    async def checked_by(self, info: Info) -> UserNode | None:
        return await display_user(info, self.checked_by_user_id)  # type: ignore[attr-defined]


@strawberry.type(
    name="ServiceHandover",
    description="The hand-over to customer service, opened when payments complete the "
    "contract. 服务交接。",
)
class ServiceHandoverType:
    contract_amount: BigInt = strawberry.field(description="The signed amount in fen.")
    paid_on: date = strawberry.field(description="The day the last payment was received.")
    due_on: date = strawberry.field(description="When service should have taken over.")
    lifetime_value: BigInt = strawberry.field(
        description="The account's lifetime value (all its payments, fen) once this contract "
        "was paid."
    )
    created_at: datetime = strawberry.field(description="When the hand-over was opened.")

    @strawberry.field(description="The rep handing the customer over; null outside your scope.")
    def rep(self, info: Info) -> RepNode | None:
        return info.context.loaders.related("rep", self.rep_id)  # type: ignore[attr-defined]


async def _items(session, keys):
    return await checklist.items_of(session, keys)


async def _handovers(session, keys):
    return await checklist.handovers_of(session, keys)


def checklist_loader(info: Info):
    return info.context.loaders.custom("contract_checklist", _items, scoped=False, default=list)


def handover_loader(info: Info):
    return info.context.loaders.custom("service_handover", _handovers, scoped=False)
