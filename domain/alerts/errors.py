"""The error codes domain.alerts raises: each a stable string, one per broken rule."""

from __future__ import annotations

from enum import StrEnum


class AlertError(StrEnum):
    """Codes of the alerts context: alerts, their tasks and evaluation runs."""

    ALERT_NOT_FOUND = "ALERT_NOT_FOUND"
    ALREADY_ACKNOWLEDGED = "ALREADY_ACKNOWLEDGED"
    ALREADY_COMPLETED = "ALREADY_COMPLETED"
    ALREADY_RESOLVED = "ALREADY_RESOLVED"
    ASSIGNEE_OUT_OF_SCOPE = "ASSIGNEE_OUT_OF_SCOPE"
    DAY_BEFORE_LATEST_RUN = "DAY_BEFORE_LATEST_RUN"
    DAY_IN_FUTURE = "DAY_IN_FUTURE"
    NOT_A_MANAGER = "NOT_A_MANAGER"
    TASK_NOT_FOUND = "TASK_NOT_FOUND"
