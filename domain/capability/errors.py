"""The error codes domain.capability raises: each a stable string, one per broken rule."""

from __future__ import annotations

from enum import StrEnum


class CapabilityError(StrEnum):
    """Codes of the capability context: ratings, evidence and overrides."""

    DAY_IN_FUTURE = "DAY_IN_FUTURE"
    DUPLICATE_IN_FILE = "DUPLICATE_IN_FILE"
    EXTERNAL_ID_REUSED = "EXTERNAL_ID_REUSED"
    INVALID_RATING = "INVALID_RATING"
    INVALID_SCORE = "INVALID_SCORE"
    NOT_A_MANAGER = "NOT_A_MANAGER"
    NOT_A_NUMBER = "NOT_A_NUMBER"
    NO_OVERRIDE = "NO_OVERRIDE"
    ONE_SUBJECT = "ONE_SUBJECT"
    RATED_IN_FUTURE = "RATED_IN_FUTURE"
    UNKNOWN_DIMENSION = "UNKNOWN_DIMENSION"
