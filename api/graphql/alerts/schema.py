"""Alerts in GraphQL: lists and badges, the lifecycle mutations, the evaluator for admins,
and the live `alertRaised` subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.descriptions import After, First
from api.core.errors import coded_error, perform, read
from api.core.loaders import Loaders
from api.core.permissions import ADMINS, READ_ORG, allow
from api.core.relay import decode_id, page_args, to_connection
from api.graphql.alerts.inputs import (
    AcknowledgeAlert,
    AcknowledgeAlertInput,
    AssignAlert,
    AssignAlertInput,
    CommentOnAlert,
    CommentOnAlertInput,
    CompleteAlertTask,
    CompleteAlertTaskInput,
    ResolveAlert,
    ResolveAlertInput,
    RunAlerts,
    RunAlertsInput,
)
from api.graphql.alerts.types import (
    AlertConnection,
    AlertCount,
    AlertNode,
    AlertRunSummary,
    AlertTaskConnection,
    HealthDiagnosisType,
)
from domain.alerts import evaluate, service
from domain.alerts.live import BROKER, message_in_scope
from domain.alerts.models import AlertRule, AlertStatus, TaskKind
from domain.errors import NotFound
from domain.health.actions import DASHBOARD_LOOPS
from domain.kernel.severity import Severity


def _alert_id(global_id: relay.GlobalID) -> int:
    return decode_id(global_id, "Alert", "id")


ALERT_RELATIONS = {
    "unit": ("unit", "unit_id"),
    "rep": ("rep", "rep_id"),
    "target": ("target", "target_id"),
    "opportunity": ("opportunity", "opportunity_id"),
}


@strawberry.type
class AlertsQuery:
    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="Alerts in your scope (a rep sees their own), newest filters first.",
    )
    async def alerts(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        unit_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(
                description="Only alerts of this OrgUnit's subtree; null: your whole scope."
            ),
        ] = None,
        rep_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Only alerts about this Rep.")
        ] = None,
        severities: Annotated[
            list[Severity] | None,
            strawberry.argument(description="Only these severities; null or empty: all."),
        ] = None,
        statuses: Annotated[
            list[AlertStatus] | None,
            strawberry.argument(description="Only these statuses; null or empty: all."),
        ] = None,
        rules: Annotated[
            list[AlertRule] | None,
            strawberry.argument(description="Only these rules; null or empty: all."),
        ] = None,
    ) -> AlertConnection:
        async def use_case(session, actor):
            after_id, size = page_args(first, after, info.context.settings.max_page_size)
            where = service.AlertFilter(
                unit_id=decode_id(unit_id, "OrgUnit", "unit_id"),
                severities=severities or (),
                statuses=statuses or (),
                rules=rules or (),
                rep_id=decode_id(rep_id, "Rep", "rep_id"),
            )
            return await service.list_alerts(session, actor, where, first=size, after=after_id)

        page = await read(info, use_case)
        await info.context.loaders.prefetch(info, page.items, ALERT_RELATIONS)
        return to_connection(AlertConnection, page)

    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="Unresolved alerts per severity in your scope, for badges.",
    )
    async def alert_counts(
        self,
        info: Info,
        unit_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(
                description="Only alerts of this OrgUnit's subtree; null: your whole scope."
            ),
        ] = None,
    ) -> list[AlertCount]:
        counts = await read(
            info,
            lambda session, actor: service.alert_counts(
                session, actor, decode_id(unit_id, "OrgUnit", "unit_id")
            ),
        )
        result = []
        for severity in Severity:
            opened = counts.get((severity.value, AlertStatus.OPEN.value), 0)
            acknowledged = counts.get((severity.value, AlertStatus.ACKNOWLEDGED.value), 0)
            result.append(
                AlertCount(
                    severity=severity,
                    open=opened,
                    acknowledged=acknowledged,
                    total=opened + acknowledged,
                )
            )
        return result

    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="Tasks raised by alerts (1:1s, review and root-cause meetings) and by the "
        "daily run's loops (dashboard actions, second touches, calibration due).",
    )
    async def alert_tasks(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        open_only: Annotated[
            bool, strawberry.argument(description="Only tasks not yet completed (default).")
        ] = True,
        mine_only: Annotated[
            bool, strawberry.argument(description="Only tasks assigned to you.")
        ] = False,
        kinds: Annotated[
            list[TaskKind] | None,
            strawberry.argument(description="Only these kinds; null or empty: all."),
        ] = None,
    ) -> AlertTaskConnection:
        async def use_case(session, actor):
            after_id, size = page_args(first, after, info.context.settings.max_page_size)
            return await service.list_tasks(
                session,
                actor,
                open_only=open_only,
                mine_only=mine_only,
                first=size,
                after=after_id,
                kinds=kinds or (),
            )

        return to_connection(AlertTaskConnection, await read(info, use_case))

    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="The circuit breaker's health diagnoses, newest first.",
    )
    async def health_diagnoses(
        self,
        info: Info,
        unit_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(
                description="Only diagnoses of this OrgUnit's subtree; null: your whole scope."
            ),
        ] = None,
        limit: Annotated[
            int, strawberry.argument(description="At most this many (capped at the page-size cap).")
        ] = 20,
    ) -> list[HealthDiagnosisType]:
        return await read(
            info,
            lambda session, actor: service.list_diagnoses(
                session,
                actor,
                decode_id(unit_id, "OrgUnit", "unit_id"),
                min(max(limit, 0), info.context.settings.max_page_size),
            ),
        )


@strawberry.type
class AlertsMutation:
    @strawberry.mutation(
        extensions=allow(*READ_ORG), description="Take note of an alert (the rep or a manager)."
    )
    async def acknowledge_alert(
        self, info: Info, input: AcknowledgeAlertInput
    ) -> AcknowledgeAlert.payload:
        return await perform(
            info,
            AcknowledgeAlert,
            lambda session, actor: service.acknowledge_alert(
                session, actor, alert_id=_alert_id(input.id), today=info.context.today()
            ),
        )

    @strawberry.mutation(extensions=allow(*READ_ORG), description="Hand an alert to someone.")
    async def assign_alert(self, info: Info, input: AssignAlertInput) -> AssignAlert.payload:
        return await perform(
            info,
            AssignAlert,
            lambda session, actor: service.assign_alert(
                session,
                actor,
                alert_id=_alert_id(input.id),
                user_id=decode_id(input.assignee_id, "User", "assignee_id"),
                today=info.context.today(),
            ),
        )

    @strawberry.mutation(extensions=allow(*READ_ORG), description="Comment on an alert.")
    async def comment_on_alert(
        self, info: Info, input: CommentOnAlertInput
    ) -> CommentOnAlert.payload:
        return await perform(
            info,
            CommentOnAlert,
            lambda session, actor: service.comment_on_alert(
                session,
                actor,
                alert_id=_alert_id(input.id),
                body=input.body,
                today=info.context.today(),
            ),
        )

    @strawberry.mutation(
        extensions=allow(*READ_ORG), description="Resolve an alert by hand, with a reason."
    )
    async def resolve_alert(self, info: Info, input: ResolveAlertInput) -> ResolveAlert.payload:
        return await perform(
            info,
            ResolveAlert,
            lambda session, actor: service.resolve_alert(
                session,
                actor,
                alert_id=_alert_id(input.id),
                reason=input.reason,
                today=info.context.today(),
            ),
        )

    @strawberry.mutation(extensions=allow(*READ_ORG), description="Record an alert's task as done.")
    async def complete_alert_task(
        self, info: Info, input: CompleteAlertTaskInput
    ) -> CompleteAlertTask.payload:
        return await perform(
            info,
            CompleteAlertTask,
            lambda session, actor: service.complete_task(
                session,
                actor,
                task_id=decode_id(input.id, "AlertTask", "id"),
                outcome=input.outcome,
            ),
        )

    @strawberry.mutation(
        extensions=allow(*ADMINS),
        description="Evaluate every alert rule for a day, as `pacer alerts run` does. "
        "Running twice for the same day changes nothing; a day before the latest evaluated "
        "one is refused.",
    )
    async def run_alerts(self, info: Info, input: RunAlertsInput) -> RunAlerts.payload:
        context = info.context

        async def action(session, actor):
            day = evaluate.check_day(input.day, context.today())
            summary = await evaluate.run_for_day(session, context.settings, day, DASHBOARD_LOOPS)
            return AlertRunSummary.of(summary)

        return await perform(info, RunAlerts, action)


@strawberry.type
class AlertsSubscription:
    @strawberry.subscription(
        extensions=allow(*READ_ORG),
        description="Alerts raised or escalated in your scope (optionally a unit's subtree), "
        "as they are committed — by any worker.",
    )
    async def alert_raised(
        self,
        info: Info,
        unit_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(
                description="Only alerts of this OrgUnit's subtree; null: your whole scope."
            ),
        ] = None,
    ) -> AsyncGenerator[AlertNode, None]:
        context = info.context
        actor = await context.require_actor()
        unit = decode_id(unit_id, "OrgUnit", "unit_id")
        try:
            within = await context.run(service.subscription_scope, actor, unit)
        except NotFound as error:
            raise coded_error(error, context.language) from None
        with BROKER.subscribe() as queue:
            while True:
                message = await queue.get()
                if not message_in_scope(actor, within, message):
                    continue
                # A subscription lives long: read each alert fresh, with fresh loaders.
                async with context.lock:
                    context.session.expire_all()
                context.loaders = Loaders(context)
                found = await context.run(service.alerts_by_ids, actor, [message["alert_id"]])
                if message["alert_id"] in found:
                    yield found[message["alert_id"]]
