"""Lead intake and routing in GraphQL (being built)."""

from __future__ import annotations

import strawberry


@strawberry.type
class RoutingQuery:
    pass


@strawberry.type
class RoutingMutation:
    pass
