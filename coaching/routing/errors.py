"""The error codes coaching.routing raises: each a stable string, one per broken rule."""

from __future__ import annotations

from enum import StrEnum


class RoutingError(StrEnum):
    """Codes of lead routing."""

    BATCH_SIZE = "BATCH_SIZE"
