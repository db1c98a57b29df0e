"""Notifications in GraphQL: subscriptions managers keep for their units (webhook, DingTalk,
WeCom, e-mail), and the dead letters admins retry. Secrets are write-only."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.core.descriptions import After, First
from api.core.errors import perform, read
from api.core.permissions import ADMINS, allow
from api.core.relay import decode_id, page_args, to_connection
from api.graphql.notifications.inputs import (
    CreateNotificationSubscription,
    CreateNotificationSubscriptionInput,
    DeactivateNotificationSubscription,
    DeactivateNotificationSubscriptionInput,
    RetryDelivery,
    RetryDeliveryInput,
)
from api.graphql.notifications.types import DeliveryConnection, NotificationSubscriptionConnection
from domain.kernel.actor import Role
from domain.notifications import service

MANAGERS = (Role.ADMIN, Role.DIRECTOR, Role.MANAGER)


@strawberry.type
class NotificationsQuery:
    @strawberry.field(
        extensions=allow(*MANAGERS),
        description="Notification subscriptions of the units you manage.",
    )
    async def notification_subscriptions(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        active: Annotated[
            bool | None,
            strawberry.argument(
                description="true: only active ones; false: only deactivated; null: all."
            ),
        ] = None,
    ) -> NotificationSubscriptionConnection:
        async def use_case(session, actor):
            after_id, size = page_args(first, after, info.context.settings.max_page_size)
            return await service.list_subscriptions(
                session, actor, active=active, after_id=after_id, first=size
            )

        return to_connection(NotificationSubscriptionConnection, await read(info, use_case))

    @strawberry.field(
        extensions=allow(*ADMINS),
        description="Deliveries that failed every attempt, oldest first (admins).",
    )
    async def dead_letters(
        self, info: Info, first: First = None, after: After = None
    ) -> DeliveryConnection:
        async def use_case(session, actor):
            after_id, size = page_args(first, after, info.context.settings.max_page_size)
            return await service.dead_letters(session, actor, after_id=after_id, first=size)

        return to_connection(DeliveryConnection, await read(info, use_case))


@strawberry.type
class NotificationsMutation:
    @strawberry.mutation(
        extensions=allow(*MANAGERS),
        description="Send a unit's alerts to a webhook, a DingTalk or WeCom robot, or e-mail.",
    )
    async def create_notification_subscription(
        self, info: Info, input: CreateNotificationSubscriptionInput
    ) -> CreateNotificationSubscription.payload:
        return await perform(
            info,
            CreateNotificationSubscription,
            lambda session, actor: service.create_subscription(
                session,
                actor,
                service.NewSubscription(
                    unit_id=decode_id(input.unit_id, "OrgUnit", "unit_id"),
                    channel=input.channel,
                    destination=input.destination,
                    min_severity=input.min_severity,
                    secret=input.secret,
                    language=input.language,
                ),
                allow_private=info.context.settings.notify_allow_private,
            ),
        )

    @strawberry.mutation(
        extensions=allow(*MANAGERS),
        description="Stop a subscription; its unsent deliveries are not sent.",
    )
    async def deactivate_notification_subscription(
        self, info: Info, input: DeactivateNotificationSubscriptionInput
    ) -> DeactivateNotificationSubscription.payload:
        return await perform(
            info,
            DeactivateNotificationSubscription,
            lambda session, actor: service.deactivate_subscription(
                session, actor, decode_id(input.id, "NotificationSubscription", "id")
            ),
        )

    @strawberry.mutation(
        extensions=allow(*ADMINS),
        description="Send a dead letter again: fresh attempts, due now, the same idempotency key.",
    )
    async def retry_delivery(self, info: Info, input: RetryDeliveryInput) -> RetryDelivery.payload:
        return await perform(
            info,
            RetryDelivery,
            lambda session, actor: service.retry_delivery(
                session, actor, decode_id(input.id, "Delivery", "id"), now=info.context.now()
            ),
        )
