"""The error codes domain.notifications raises: each a stable string, one per broken rule."""

from __future__ import annotations

from enum import StrEnum


class NotificationError(StrEnum):
    """Codes of the notifications context: subscriptions, destinations, deliveries."""

    ALREADY_INACTIVE = "ALREADY_INACTIVE"
    DELIVERY_NOT_FOUND = "DELIVERY_NOT_FOUND"
    INVALID_EMAIL = "INVALID_EMAIL"
    INVALID_URL = "INVALID_URL"
    NOT_DEAD = "NOT_DEAD"
    PRIVATE_ADDRESS = "PRIVATE_ADDRESS"
    SECRET_REQUIRED = "SECRET_REQUIRED"
    SECRET_TOO_SHORT = "SECRET_TOO_SHORT"
    SUBSCRIPTION_INACTIVE = "SUBSCRIPTION_INACTIVE"
    SUBSCRIPTION_NOT_FOUND = "SUBSCRIPTION_NOT_FOUND"
