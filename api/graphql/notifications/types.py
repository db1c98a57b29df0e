"""GraphQL types of notifications: subscriptions and deliveries."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.types import Info

from api.core.errors import read
from api.core.labels import expose_enum, graphql_enum
from api.core.relay import row_id
from api.graphql.org.types import OrgUnitNode, UserNode, display_user
from domain.kernel.actor import Actor
from domain.kernel.severity import Severity
from domain.notifications import rules, service
from domain.notifications.messages import NotificationLanguage as Language
from domain.notifications.messages import event_label
from domain.notifications.models import Channel, DeliveryStatus, NotificationSubscription


def _labelled_enum(enum_cls: type[Enum], name: str, description: str) -> None:
    strawberry.enum(enum_cls, name=name, description=description)
    for value in enum_cls.__strawberry_definition__.values:
        member = enum_cls(value.value)
        value.description = f"{member.label_zh} / {member.label_en}"


_labelled_enum(Channel, "NotificationChannel", "Where a notification goes. 通知渠道。")
_labelled_enum(Language, "NotificationLanguage", "The language of messages. 通知语言。")
graphql_enum(DeliveryStatus, "Where a delivery stands. 投递状态。")
expose_enum(Severity, "How serious an alert is. 预警级别。")  # alerts may expose it first


async def _nodes_by_ids(
    info: Info,
    node_ids: Iterable[str],
    by_ids: Callable[[AsyncSession, Actor, list[int]], Awaitable[dict[int, Any]]],
) -> list[Any]:
    """Relay nodes in the order asked for; None where an ID is malformed or out of sight."""
    ids = [row_id(text) for text in node_ids]
    found = await read(info, by_ids, [number for number in ids if number is not None])
    return [None if number is None else found.get(number) for number in ids]


@strawberry.type(
    name="NotificationSubscription",
    description="Alerts of a unit's subtree at or above a severity, sent to one channel. "
    "通知订阅。The secret is never returned.",
)
class SubscriptionNode(relay.Node):
    id: relay.NodeID[int]
    min_severity: Severity = strawberry.field(description="The least severity sent.")
    channel: Channel = strawberry.field(
        description="Where messages go: WEBHOOK, DINGTALK, WECOM or EMAIL."
    )
    language: Language = strawberry.field(description="The language messages are written in.")
    active: bool = strawberry.field(description="False once deactivated: nothing more is sent.")
    created_at: datetime = strawberry.field(description="When it was created.")

    @classmethod
    def is_type_of(cls, obj: Any, info: Info) -> bool:
        return isinstance(obj, NotificationSubscription)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        return await _nodes_by_ids(info, node_ids, service.subscriptions_by_ids)

    @strawberry.field(
        description="The webhook or robot URL (query values such as robot tokens masked) "
        "or the e-mail address."
    )
    def destination(self) -> str:
        return rules.masked_destination(self.channel, self.destination)

    @strawberry.field(description="True when messages are signed with a secret.")
    def has_secret(self) -> bool:
        return bool(self.secret)

    @strawberry.field(description="The channel's name in your language.")
    def channel_label(self, info: Info) -> str:
        return Channel(self.channel).label(info.context.language)

    @strawberry.field(description="The unit whose subtree's alerts are sent.")
    def unit(self, info: Info) -> OrgUnitNode | None:
        return info.context.loaders.related("unit", self.unit_id)

    @strawberry.field(description="Who created the subscription.")
    async def created_by(self, info: Info) -> UserNode | None:
        return await display_user(info, self.created_by_user_id)


@strawberry.type(description="A page of notification subscriptions.")
class NotificationSubscriptionConnection(relay.Connection[SubscriptionNode]):
    total_count: int = strawberry.field(description="Rows matching the filter, in your scope.")


@strawberry.type(
    name="Delivery",
    description="One event sent to one subscription, with its attempts. 投递记录。",
)
class DeliveryNode(relay.Node):
    id: relay.NodeID[int]
    status: DeliveryStatus = strawberry.field(
        description="PENDING, DELIVERED or DEAD (a dead letter: attempts exhausted)."
    )
    attempts: int = strawberry.field(description="Attempts made since the last (re)try.")
    last_error: str | None = strawberry.field(description="Why the last attempt failed.")
    next_attempt_at: datetime = strawberry.field(
        description="When it is (or was) due to be tried next."
    )
    delivered_at: datetime | None = strawberry.field(
        description="When it was delivered; null until then."
    )
    created_at: datetime = strawberry.field(description="When the event was queued.")
    idempotency_key: str = strawberry.field(
        description="Sent with every attempt (`Idempotency-Key`); receivers drop repeats by it."
    )
    event_kind: str = strawberry.field(
        description="`alert.raised`, `alert.escalated`, `alert.resolved` or `task.created`."
    )
    severity: Severity | None = strawberry.field(
        description="The alert's severity; null for events without one."
    )
    channel: Channel = strawberry.field(description="The subscription's channel.")
    destination: str = strawberry.field(description="Where it went; robot tokens masked.")

    @classmethod
    def is_type_of(cls, obj: Any, info: Info) -> bool:
        return isinstance(obj, service.DeliveryView)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        return await _nodes_by_ids(info, node_ids, service.deliveries_by_ids)

    @strawberry.field(description="The event's name in your language.")
    def event_label(self, info: Info) -> str:
        return event_label(self.event_kind, info.context.language)

    @strawberry.field(description="The subscription it was sent for.")
    def subscription_id(self) -> relay.GlobalID:
        return relay.GlobalID("NotificationSubscription", str(self.subscription_id))

    @strawberry.field(description="The subscription's unit.")
    def unit(self, info: Info) -> OrgUnitNode | None:
        return info.context.loaders.related("unit", self.unit_id)


@strawberry.type(description="A page of deliveries.")
class DeliveryConnection(relay.Connection[DeliveryNode]):
    total_count: int = strawberry.field(description="Rows matching the filter.")
