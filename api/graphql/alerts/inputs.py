"""GraphQL inputs of alerts, and each mutation's payload and error codes."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay

from api.core.errors import mutation_types
from api.graphql.alerts.types import (
    AlertNode,
    AlertRunSummary,
    AlertTaskNode,
)

NOT_FOUND = ["ALERT_NOT_FOUND", "INVALID_ID"]
AcknowledgeAlert = mutation_types(
    "AcknowledgeAlert",
    "alert",
    AlertNode,
    [*NOT_FOUND, "ALREADY_RESOLVED", "ALREADY_ACKNOWLEDGED"],
)
AssignAlert = mutation_types(
    "AssignAlert",
    "alert",
    AlertNode,
    [*NOT_FOUND, "NOT_A_MANAGER", "ALREADY_RESOLVED", "USER_NOT_FOUND", "ASSIGNEE_OUT_OF_SCOPE"],
)
CommentOnAlert = mutation_types(
    "CommentOnAlert", "alert", AlertNode, [*NOT_FOUND, "REQUIRED", "TOO_LONG"]
)
ResolveAlert = mutation_types(
    "ResolveAlert",
    "alert",
    AlertNode,
    [*NOT_FOUND, "NOT_A_MANAGER", "ALREADY_RESOLVED", "REQUIRED", "TOO_LONG"],
)
CompleteAlertTask = mutation_types(
    "CompleteAlertTask",
    "task",
    AlertTaskNode,
    [
        "TASK_NOT_FOUND",
        "INVALID_ID",
        "NOT_A_MANAGER",
        "ALREADY_COMPLETED",
        "REQUIRED",
        "TOO_LONG",
    ],
)
RunAlerts = mutation_types(
    "RunAlerts", "summary", AlertRunSummary, ["DAY_IN_FUTURE", "DAY_BEFORE_LATEST_RUN"]
)


@strawberry.input
class AcknowledgeAlertInput:
    id: relay.GlobalID


@strawberry.input
class AssignAlertInput:
    id: relay.GlobalID
    assignee_id: relay.GlobalID = strawberry.field(description="A user who can see the alert.")


@strawberry.input
class CommentOnAlertInput:
    id: relay.GlobalID
    body: str


@strawberry.input
class ResolveAlertInput:
    id: relay.GlobalID
    reason: str = strawberry.field(description="Why it is resolved; kept in the history.")


@strawberry.input
class CompleteAlertTaskInput:
    id: relay.GlobalID
    outcome: str = strawberry.field(description="What was agreed, e.g. the 1:1's actions.")


@strawberry.input
class RunAlertsInput:
    day: date | None = strawberry.field(default=None, description="Default: today.")
