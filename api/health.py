"""Placeholder while the health API is built."""

from __future__ import annotations

import strawberry


@strawberry.type
class HealthQuery:
    @strawberry.field
    def placeholder_health(self) -> bool:
        return True
