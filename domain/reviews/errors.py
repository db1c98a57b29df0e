"""The error codes domain.reviews raises: each a stable string, one per broken rule."""

from __future__ import annotations

from enum import StrEnum


class ReviewError(StrEnum):
    """Codes of the reviews context: weekly calibration reviews and their actions."""

    ALREADY_DECIDED = "ALREADY_DECIDED"
    DUPLICATE_ACCOUNT = "DUPLICATE_ACCOUNT"
    INVALID_WEEK = "INVALID_WEEK"
    NOT_ALLOWED = "NOT_ALLOWED"
    REVIEW_EXISTS = "REVIEW_EXISTS"
    REVIEW_NOT_FOUND = "REVIEW_NOT_FOUND"
    SUGGESTION_NOT_FOUND = "SUGGESTION_NOT_FOUND"
    WEEK_NOT_STARTED = "WEEK_NOT_STARTED"
