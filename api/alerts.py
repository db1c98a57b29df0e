"""Placeholder while the alerts API is built."""

from __future__ import annotations

import strawberry


@strawberry.type
class AlertsQuery:
    @strawberry.field
    def placeholder_alerts(self) -> bool:
        return True


@strawberry.type
class AlertsMutation:
    @strawberry.mutation
    def placeholder_alerts_mutation(self) -> bool:
        return True
