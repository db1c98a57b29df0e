"""GraphQL inputs of notifications: subscriptions and deliveries, and each mutation's payload and
error codes."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.core.errors import ApiError, mutation_types
from api.graphql.notifications.types import DeliveryNode, SubscriptionNode
from domain.kernel.errors import KernelError
from domain.kernel.severity import Severity
from domain.notifications.errors import NotificationError
from domain.notifications.messages import NotificationLanguage as Language
from domain.notifications.models import Channel
from domain.org.errors import OrgError

CreateNotificationSubscription = mutation_types(
    "CreateNotificationSubscription",
    "subscription",
    SubscriptionNode,
    [
        ApiError.INVALID_ID,
        OrgError.UNIT_NOT_FOUND,
        NotificationError.INVALID_URL,
        NotificationError.PRIVATE_ADDRESS,
        NotificationError.INVALID_EMAIL,
        NotificationError.SECRET_REQUIRED,
        NotificationError.SECRET_TOO_SHORT,
        KernelError.TOO_LONG,
    ],
)
DeactivateNotificationSubscription = mutation_types(
    "DeactivateNotificationSubscription",
    "subscription",
    SubscriptionNode,
    [
        ApiError.INVALID_ID,
        NotificationError.SUBSCRIPTION_NOT_FOUND,
        NotificationError.ALREADY_INACTIVE,
    ],
)
RetryDelivery = mutation_types(
    "RetryDelivery",
    "delivery",
    DeliveryNode,
    [
        ApiError.INVALID_ID,
        NotificationError.DELIVERY_NOT_FOUND,
        NotificationError.NOT_DEAD,
        NotificationError.SUBSCRIPTION_INACTIVE,
    ],
)


@strawberry.input(description="Send a unit's alerts to a channel.")
class CreateNotificationSubscriptionInput:
    unit_id: relay.GlobalID = strawberry.field(
        description="A unit you manage; its whole subtree's alerts are sent."
    )
    channel: Channel = strawberry.field(description="WEBHOOK, DINGTALK, WECOM or EMAIL.")
    destination: str = strawberry.field(
        description="An http(s) URL (webhook, DingTalk or WeCom robot) or an e-mail address."
    )
    min_severity: Severity = strawberry.field(
        default=Severity.YELLOW, description="The least severity sent (default YELLOW: all)."
    )
    secret: str | None = strawberry.field(
        default=None,
        description="Signing secret: required for WEBHOOK (16+ characters, HMAC-SHA256), "
        "optional for DINGTALK (加签). Never shown again.",
    )
    language: Language = strawberry.field(default=Language.ZH, description="Default ZH.")


@strawberry.input(
    description="Stop a subscription: no new deliveries, its pending ones are not sent."
)
class DeactivateNotificationSubscriptionInput:
    id: relay.GlobalID = strawberry.field(description="The subscription.")


@strawberry.input(description="Try a dead letter again.")
class RetryDeliveryInput:
    id: relay.GlobalID = strawberry.field(description="A dead letter's ID.")
