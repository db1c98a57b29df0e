"""Capability in GraphQL (being built)."""

from __future__ import annotations

import strawberry


@strawberry.type
class CapabilityQuery:
    pass


@strawberry.type
class CapabilityMutation:
    pass
