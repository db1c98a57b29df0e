"""GraphQL types of alerts: the series, its history, its tasks and diagnoses."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from api.core.labels import graphql_enum
from api.core.relay import OrmNode
from api.graphql.org.types import OrgUnitNode, RepNode, UserNode, display_user
from api.graphql.pipeline.types import OpportunityNode
from api.graphql.targets.types import TargetNode
from domain.alerts import models, rules
from domain.alerts.models import (
    AlertEventKind,
    AlertRule,
    AlertStatus,
    PairingOutcome,
    TaskKind,
    TaskStatus,
)
from domain.alerts.runs import RunSummary
from domain.kernel.severity import Severity

graphql_enum(Severity, "How urgent an alert is: yellow, orange, red. 预警等级。")
graphql_enum(AlertRule, "The rule that raised an alert. 预警规则。")
graphql_enum(AlertStatus, "open → acknowledged → resolved. 预警状态。")
graphql_enum(AlertEventKind, "What happened to an alert. 预警事件。")
graphql_enum(TaskKind, "Work an alert or a loop of the daily run asks for. 任务类型。")
graphql_enum(TaskStatus, "open → done | dismissed. 任务状态。")
graphql_enum(PairingOutcome, "Whether a senior colleague was found. 结对结果。")


@strawberry.type(name="AlertEvent", description="One entry of an alert's history (append-only).")
class AlertEventType:
    kind: AlertEventKind = strawberry.field(description="What happened.")
    severity: Severity = strawberry.field(description="The alert's severity after the event.")
    day: date = strawberry.field(description="The evaluated (or company) day of the event.")
    at: datetime = strawberry.field(description="When it was recorded.")
    note: str | None = strawberry.field(description="Comment, resolution reason or assignee.")

    @strawberry.field(description="Who did it; null for the evaluator.")
    async def user(self, info: Info) -> UserNode | None:
        return await display_user(info, self.user_id)


@strawberry.type(name="HealthDiagnosis", description="The circuit breaker's root-cause material.")
class HealthDiagnosisType:
    week_start: date = strawberry.field(description="Monday of the second weak week.")
    findings: JSON = strawberry.field(
        description="`gap_reasons` (top three), `kpi_misses` per rep, `funnel` current and "
        "previous two weeks, `stale_key_opportunities`."
    )
    created_at: datetime = strawberry.field(description="When the breaker opened it.")

    @strawberry.field(description="The unit diagnosed; null when outside your scope.")
    def unit(self, info: Info) -> OrgUnitNode | None:
        return info.context.loaders.related("unit", self.unit_id)

    @strawberry.field(description="The breaker alert that opened it; null when outside your scope.")
    def alert(self, info: Info) -> AlertNode | None:
        return info.context.loaders.related("alert", self.alert_id)


@strawberry.type(
    name="MentorPairing",
    description="A rep on an orange KPI alert paired with a senior colleague of the same team "
    "for a week, or the record that nobody qualified. 资深同事结对帮扶。",
)
class MentorPairingType:
    outcome: PairingOutcome = strawberry.field(description="PAIRED, or NO_SENIOR.")
    week_start: date = strawberry.field(description="Monday of the week of help.")
    kpi: str = strawberry.field(description="The KPI missed most in the alert's streak.")
    dimension: str = strawberry.field(
        description="The capability dimension that KPI maps to (the senior's strength)."
    )
    details: JSON = strawberry.field(
        description="`rep_score`, `mentor_score` and every candidate considered (score, busy)."
    )
    created_at: datetime = strawberry.field(description="When the daily run arranged it.")

    @strawberry.field(description="The rep being helped.")
    def rep(self, info: Info) -> RepNode | None:
        return info.context.loaders.related("display_rep", self.rep_id)

    @strawberry.field(description="The senior colleague; null when nobody qualified.")
    async def mentor(self, info: Info) -> RepNode | None:
        if self.mentor_rep_id is None:
            return None
        return await info.context.loaders.display_rep.load(self.mentor_rep_id)

    @strawberry.field(description="The orange alert; null when outside your scope.")
    def alert(self, info: Info) -> AlertNode | None:
        return info.context.loaders.related("alert", self.alert_id)


@strawberry.type(name="Alert", description="An alert series: one rule for one subject. 预警。")
class AlertNode(OrmNode):
    _model = models.Alert
    _loader = "alert"

    id: relay.NodeID[int]
    rule: AlertRule = strawberry.field(description="The rule that raised it.")
    severity: Severity = strawberry.field(description="Its current severity.")
    status: AlertStatus = strawberry.field(description="OPEN → ACKNOWLEDGED → RESOLVED.")
    evidence: JSON = strawberry.field(description="The numbers the rule saw, as recorded.")
    raised_on: date = strawberry.field(description="The evaluated day it was first raised.")
    condition_seen_on: date = strawberry.field(description="The last day the rule still held.")
    resolved_on: date | None = strawberry.field(
        description="The day it was resolved; null while unresolved."
    )
    resolution_reason: str | None = strawberry.field(
        description="Why it was resolved by hand, or that its condition cleared."
    )

    @strawberry.field(description="A one-line headline in the request language.")
    def title(self, info: Info) -> str:
        zh, en = rules.title(AlertRule(self.rule), self.evidence)
        return en if info.context.language == "en" else zh

    @strawberry.field(description="The unit whose managers answer for it.")
    def unit(self, info: Info) -> OrgUnitNode | None:
        return info.context.loaders.related("unit", self.unit_id)

    @strawberry.field(description="The rep it is about, if any; null also when outside your scope.")
    def rep(self, info: Info) -> RepNode | None:
        return info.context.loaders.related("rep", self.rep_id)

    @strawberry.field(description="The target it is about, if any.")
    def target(self, info: Info) -> TargetNode | None:
        return info.context.loaders.related("target", self.target_id)

    @strawberry.field(description="The opportunity it is about, if any.")
    def opportunity(self, info: Info) -> OpportunityNode | None:
        return info.context.loaders.related("opportunity", self.opportunity_id)

    @strawberry.field(
        description="Who answers for it: the unit's manager at first, or whom it was assigned to."
    )
    async def assignee(self, info: Info) -> UserNode | None:
        return await display_user(info, self.assignee_user_id)

    @strawberry.field(description="Who resolved it by hand; null when its condition cleared.")
    async def resolved_by(self, info: Info) -> UserNode | None:
        return await display_user(info, self.resolved_by_user_id)

    @strawberry.field(description="Raised, escalated, acknowledged, … oldest first.")
    def history(self, info: Info) -> list[AlertEventType]:
        return info.context.loaders.related("alert_events", self.id)

    @strawberry.field(description="Comments only, oldest first.")
    async def comments(self, info: Info) -> list[AlertEventType]:
        events = await info.context.loaders.alert_events.load(self.id)
        return [e for e in events if e.kind == AlertEventKind.COMMENTED.value]

    @strawberry.field(description="The tasks it created, oldest first.")
    def tasks(self, info: Info) -> list[AlertTaskNode]:
        return info.context.loaders.related("alert_tasks", self.id)

    @strawberry.field(
        description="An orange KPI alert's senior pairing (the latest week's), or the record "
        "that nobody qualified; null for other alerts and before the daily run arranged it."
    )
    def pairing(self, info: Info) -> MentorPairingType | None:
        return info.context.loaders.related("alert_pairing", self.id)

    @strawberry.field(description="The circuit breaker's diagnosis, if this alert opened one.")
    def diagnosis(self, info: Info) -> HealthDiagnosisType | None:
        return info.context.loaders.related("diagnosis", self.id)


@strawberry.type(
    name="AlertTask",
    description="A 1:1, review or root-cause meeting an alert asks for, or a task a loop of "
    "the daily run opens: a dashboard action, a second touch, a calibration due.",
)
class AlertTaskNode(OrmNode):
    _model = models.AlertTask
    _loader = "alert_task_by_id"

    id: relay.NodeID[int]
    kind: TaskKind = strawberry.field(description="What to do.")
    details: JSON | None = strawberry.field(
        description="A loop task's numbers behind it (thresholds, values, the customers or "
        "follow-ups concerned, suggested changes); null for an alert's task."
    )
    due_on: date = strawberry.field(description="The day it is due.")
    completed_at: datetime | None = strawberry.field(
        description="When it was completed; null while open."
    )
    outcome: str | None = strawberry.field(
        description="What came of it, or why it was dismissed, as written on closing."
    )

    @strawberry.field(description="OPEN, DONE (completed) or DISMISSED.")
    def status(self) -> TaskStatus:
        if self.completed_at is None:
            return TaskStatus.OPEN
        return TaskStatus.DISMISSED if self.dismissed else TaskStatus.DONE

    @strawberry.field(description="The unit it belongs to.")
    def unit(self, info: Info) -> OrgUnitNode | None:
        return info.context.loaders.related("unit", self.unit_id)

    @strawberry.field(description="Open and due before today.")
    def overdue(self, info: Info) -> bool:
        return self.completed_at is None and self.due_on < info.context.today()

    @strawberry.field(description="The alert that created it; null for a loop's task.")
    def alert(self, info: Info) -> AlertNode | None:
        return info.context.loaders.related("alert", self.alert_id)

    @strawberry.field(description="The rep it concerns, if any.")
    def rep(self, info: Info) -> RepNode | None:
        return info.context.loaders.related("rep", self.rep_id)

    @strawberry.field(
        description="Who should hold it: the alert's assignee when the task was created."
    )
    async def assignee(self, info: Info) -> UserNode | None:
        return await display_user(info, self.assignee_user_id)

    @strawberry.field(description="Who completed it; null while open.")
    async def completed_by(self, info: Info) -> UserNode | None:
        return await display_user(info, self.completed_by_user_id)


@strawberry.type(description="A page of alerts.")
class AlertConnection(relay.Connection[AlertNode]):
    total_count: int = strawberry.field(
        description="How many alerts match the filters, over all pages."
    )


@strawberry.type(description="A page of alert tasks.")
class AlertTaskConnection(relay.Connection[AlertTaskNode]):
    total_count: int = strawberry.field(
        description="How many tasks match the filters, over all pages."
    )


@strawberry.type(description="Unresolved alerts of one severity, for badges.")
class AlertCount:
    severity: Severity = strawberry.field(description="The severity counted.")
    open: int = strawberry.field(description="Open alerts of this severity.")
    acknowledged: int = strawberry.field(description="Acknowledged, not yet resolved.")
    total: int = strawberry.field(description="open + acknowledged.")


@strawberry.type(description="Alerts raised, escalated and resolved, tasks and diagnoses created.")
class AlertRunCounts:
    raised: int = strawberry.field(description="Alerts raised.")
    escalated: int = strawberry.field(description="Alerts whose severity went up.")
    resolved: int = strawberry.field(description="Alerts resolved because their condition cleared.")
    tasks: int = strawberry.field(description="Tasks created.")
    diagnoses: int = strawberry.field(description="Health diagnoses opened by the circuit breaker.")


@strawberry.type(description="What one evaluation run changed.")
class AlertRunSummary:
    day: date = strawberry.field(description="The day evaluated.")
    raised: int = strawberry.field(description="Alerts this run raised.")
    escalated: int = strawberry.field(description="Alerts whose severity this run raised.")
    resolved: int = strawberry.field(
        description="Alerts this run resolved because their condition cleared."
    )
    tasks: int = strawberry.field(description="Tasks this run created.")
    diagnoses: int = strawberry.field(description="Health diagnoses this run opened.")
    loop_tasks: int = strawberry.field(
        description="Tasks the loops opened (dashboard actions, second touches, calibration due)."
    )
    loop_closed: int = strawberry.field(
        description="Second-touch suggestions closed because the customer answered."
    )
    pairings: int = strawberry.field(description="Senior pairings arranged (or found impossible).")
    run: int = strawberry.field(description="This run's number for the day: 1 for the first.")
    changed: bool = strawberry.field(
        description="Whether this run changed anything; a rerun normally does not."
    )
    day_total: AlertRunCounts = strawberry.field(
        description="What every run of the day changed together, this one included."
    )

    @classmethod
    def of(cls, summary: RunSummary) -> AlertRunSummary:
        return cls(
            day=summary.day,
            **summary.as_dict(),
            **summary.loop_dict(),
            run=summary.run,
            changed=summary.changed,
            day_total=AlertRunCounts(**summary.day_total),
        )
