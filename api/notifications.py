"""Placeholder while the notifications API is built."""

from __future__ import annotations

import strawberry


@strawberry.type
class NotificationsQuery:
    @strawberry.field
    def placeholder_notifications(self) -> bool:
        return True


@strawberry.type
class NotificationsMutation:
    @strawberry.mutation
    def placeholder_notifications_mutation(self) -> bool:
        return True
