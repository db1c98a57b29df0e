"""GraphQL inputs of alerts, and each mutation's payload and error codes."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay

from api.core.errors import ApiError, mutation_types
from api.graphql.alerts.types import (
    AlertNode,
    AlertRunSummary,
    AlertTaskNode,
)
from domain.alerts.errors import AlertError
from domain.kernel.errors import KernelError
from domain.org.errors import OrgError

NOT_FOUND = [AlertError.ALERT_NOT_FOUND, ApiError.INVALID_ID]
AcknowledgeAlert = mutation_types(
    "AcknowledgeAlert",
    "alert",
    AlertNode,
    [*NOT_FOUND, AlertError.ALREADY_RESOLVED, AlertError.ALREADY_ACKNOWLEDGED],
)
AssignAlert = mutation_types(
    "AssignAlert",
    "alert",
    AlertNode,
    [
        *NOT_FOUND,
        AlertError.NOT_A_MANAGER,
        AlertError.ALREADY_RESOLVED,
        OrgError.USER_NOT_FOUND,
        AlertError.ASSIGNEE_OUT_OF_SCOPE,
    ],
)
CommentOnAlert = mutation_types(
    "CommentOnAlert", "alert", AlertNode, [*NOT_FOUND, KernelError.REQUIRED, KernelError.TOO_LONG]
)
ResolveAlert = mutation_types(
    "ResolveAlert",
    "alert",
    AlertNode,
    [
        *NOT_FOUND,
        AlertError.NOT_A_MANAGER,
        AlertError.ALREADY_RESOLVED,
        KernelError.REQUIRED,
        KernelError.TOO_LONG,
    ],
)
CompleteAlertTask = mutation_types(
    "CompleteAlertTask",
    "task",
    AlertTaskNode,
    [
        AlertError.TASK_NOT_FOUND,
        ApiError.INVALID_ID,
        AlertError.NOT_A_MANAGER,
        AlertError.ALREADY_COMPLETED,
        KernelError.REQUIRED,
        KernelError.TOO_LONG,
    ],
)
RunAlerts = mutation_types(
    "RunAlerts",
    "summary",
    AlertRunSummary,
    [AlertError.DAY_IN_FUTURE, AlertError.DAY_BEFORE_LATEST_RUN],
)


@strawberry.input(description="Take note of an open alert.")
class AcknowledgeAlertInput:
    id: relay.GlobalID = strawberry.field(description="The alert.")


@strawberry.input(description="Hand an alert to another user.")
class AssignAlertInput:
    id: relay.GlobalID = strawberry.field(description="The alert.")
    assignee_id: relay.GlobalID = strawberry.field(description="A user who can see the alert.")


@strawberry.input(description="A comment on an alert, kept in its history.")
class CommentOnAlertInput:
    id: relay.GlobalID = strawberry.field(description="The alert.")
    body: str = strawberry.field(description="The comment.")


@strawberry.input(description="Resolve an alert by hand.")
class ResolveAlertInput:
    id: relay.GlobalID = strawberry.field(description="The alert.")
    reason: str = strawberry.field(description="Why it is resolved; kept in the history.")


@strawberry.input(description="Record an alert task as done.")
class CompleteAlertTaskInput:
    id: relay.GlobalID = strawberry.field(description="The task.")
    outcome: str = strawberry.field(description="What was agreed, e.g. the 1:1's actions.")


@strawberry.input(description="Evaluate every alert rule for one day.")
class RunAlertsInput:
    day: date | None = strawberry.field(default=None, description="Default: today.")
