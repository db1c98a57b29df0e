"""GraphQL of the daily run's loops: the senior pairing an orange KPI alert opens (on the
alert for managers, and one query for each side), and dismissing a task."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.errors import ApiError, mutation_types, perform, read
from api.core.loaders import RELATIONS, UNSCOPED
from api.core.permissions import READ_ORG, allow
from api.core.relay import decode_id
from api.graphql.alerts.types import AlertTaskNode, MentorPairingType
from domain.alerts import service
from domain.alerts.errors import AlertError
from domain.alerts.loops import service as loops
from domain.kernel.errors import KernelError

RELATIONS.setdefault("alert_pairing", (loops.pairings_of_alerts, UNSCOPED, None))


NOT_FOUND = [AlertError.TASK_NOT_FOUND, ApiError.INVALID_ID]
DismissAlertTask = mutation_types(
    "DismissAlertTask",
    "task",
    AlertTaskNode,
    [
        *NOT_FOUND,
        AlertError.NOT_A_MANAGER,
        AlertError.ALREADY_COMPLETED,
        KernelError.REQUIRED,
        KernelError.TOO_LONG,
    ],
)


@strawberry.input(description="Close a task without doing it, saying why.")
class DismissAlertTaskInput:
    id: relay.GlobalID = strawberry.field(description="The task.")
    reason: str = strawberry.field(description="Why it does not apply; kept on the task.")


@strawberry.type
class LoopsQuery:
    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="Your senior colleagues' help: the weeks you are paired because of an "
        "orange KPI alert, newest first (a rep's own; others have none).",
    )
    async def mentoring_received(self, info: Info) -> list[MentorPairingType]:
        return await read(
            info, lambda session, actor: loops.my_pairings(session, actor, as_mentor=False)
        )

    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="The colleagues you help as the senior of a pairing, newest week first.",
    )
    async def mentoring_given(self, info: Info) -> list[MentorPairingType]:
        return await read(
            info, lambda session, actor: loops.my_pairings(session, actor, as_mentor=True)
        )


@strawberry.type
class LoopsMutation:
    @strawberry.mutation(
        extensions=allow(*READ_ORG),
        description="Dismiss a task (a loop's suggestion or action that does not apply), with "
        "a reason; `completeAlertTask` records one as done.",
    )
    async def dismiss_alert_task(
        self, info: Info, input: DismissAlertTaskInput
    ) -> DismissAlertTask.payload:
        return await perform(
            info,
            DismissAlertTask,
            lambda session, actor: service.dismiss_task(
                session,
                actor,
                task_id=decode_id(input.id, "AlertTask", "id"),
                reason=input.reason,
            ),
        )
