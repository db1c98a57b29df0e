"""The error codes domain.forecasts raises: each a stable string, one per broken rule."""

from __future__ import annotations

from enum import StrEnum


class ForecastError(StrEnum):
    """Codes of the forecasts context: categories, weekly calls, roll-ups and accuracy."""

    AMOUNTS_FROM_BELOW = "AMOUNTS_FROM_BELOW"
    AMOUNT_REQUIRED = "AMOUNT_REQUIRED"
    BEST_CASE_BELOW_COMMIT = "BEST_CASE_BELOW_COMMIT"
    INVALID_CATEGORY = "INVALID_CATEGORY"
    INVALID_PERIOD = "INVALID_PERIOD"
    INVALID_WEEK = "INVALID_WEEK"
    NEGATIVE_AMOUNT = "NEGATIVE_AMOUNT"
    NOT_A_UNIT_CALL = "NOT_A_UNIT_CALL"
    NOT_YOUR_CALL = "NOT_YOUR_CALL"
    OWNER_REQUIRED = "OWNER_REQUIRED"
    PERIOD_CLOSED = "PERIOD_CLOSED"
    PERIOD_NOT_CLOSED = "PERIOD_NOT_CLOSED"
    REASON_REQUIRED = "REASON_REQUIRED"
    TOO_MANY_PERIODS = "TOO_MANY_PERIODS"
    UNSUPPORTED_METRIC = "UNSUPPORTED_METRIC"
    WEEK_FROZEN = "WEEK_FROZEN"
    WEEK_NOT_STARTED = "WEEK_NOT_STARTED"
